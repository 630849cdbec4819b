package io.quarkiverse.goroutines.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** With {@code quarkus.goroutines.virtual-threads.take-over=true}, {@code @RunOnVirtualThread} methods run as Gs. */
@QuarkusTest
@TestProfile(VirtualThreadTakeOverTest.TakeOver.class)
class VirtualThreadTakeOverTest {

    public static class TakeOver implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // platform mode: the taken-over method then visibly leaves virtual threads (virtual=false); this
            // profile is also the integration suite's run of platform mode
            return Map.of("quarkus.goroutines.virtual-threads.take-over", "true", "quarkus.goroutines.mode", "platform");
        }
    }

    @Test
    void runOnVirtualThreadMethodRunsAsAG() {
        String answer = given().get("/demo/virtual").then().statusCode(200).extract().asString();
        Served.onG("virtual, taken over", answer);
        assertTrue(answer.endsWith(" virtual=false"), answer);
    }

    @Test
    void otherEndpointsStillRunAsGs() {
        Served.onG("whoami, taken over", given().get("/demo/whoami").then().statusCode(200).extract().asString());
    }
}
