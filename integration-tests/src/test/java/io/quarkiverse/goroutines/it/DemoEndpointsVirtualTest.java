package io.quarkiverse.goroutines.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Every demo endpoint again, in virtual mode: a sleep or a socket read parks the G instead of holding its M. */
@QuarkusTest
@TestProfile(VirtualMode.class)
class DemoEndpointsVirtualTest extends DemoEndpointsTest {

    @Test
    void requestsRunAsVirtualGs() {
        String answer = given().get("/demo/whoami").then().statusCode(200).extract().asString();
        Served.onG("whoami, virtual mode", answer);
        assertTrue(answer.contains(" virtual=true "), answer);
    }
}
