package io.quarkiverse.goroutines.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** {@code quarkus.goroutines.request.timeout} bounds every blocking request; {@code @RequestTimeout} overrides it. */
@QuarkusTest
@TestProfile(RequestTimeoutConfigTest.Timeout250ms.class)
class RequestTimeoutConfigTest {

    public static class Timeout250ms implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.goroutines.request.timeout", "250ms");
        }
    }

    /** As {@link RequestDeadlineTest#warmUp()}: one untimed request of each kind first. */
    @BeforeEach
    void warmUp() {
        given().get("/deadline/fast").then().statusCode(200);
        if (RequestDeadlineTest.WARM.add(getClass())) {
            given().get("/deadline/receive?id=warm-up-" + RequestDeadlineTest.id()).then().statusCode(503);
        }
    }

    @Test
    void theConfiguredDeadlineBoundsARequestWithoutAnnotation() {
        String id = RequestDeadlineTest.id();
        RequestDeadlineTest.assertAnsweredForDeadline(250, RequestDeadlineTest.expect503("/deadline/hang?id=" + id, 250));
        String ending = RequestDeadlineTest.ending(id);
        assertTrue(ending.startsWith("CancellationException: cancelled while blocked in Chan.receive: deadline of 250 "
                + "ms exceeded"), ending);
    }

    @Test
    void anAnnotationOverridesIt() {
        RequestDeadlineTest.assertAnsweredForDeadline(200,
                RequestDeadlineTest.expect503("/deadline/receive?id=" + RequestDeadlineTest.id(), 200));
    }

    @Test
    void zeroSwitchesItOff() {
        String body = given().get("/deadline/unbounded?ms=400").then().statusCode(200).extract().asString();
        assertTrue(body.endsWith(" slept 400"), body);
    }
}
