package io.quarkiverse.goroutines.deployment.observe;

import static io.restassured.RestAssured.given;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/** By default there is no goroutine dump, on the management port or on the application's. */
class DumpDisabledTest {

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .setArchiveProducer(() -> ShrinkWrap.create(JavaArchive.class))
            .overrideConfigKey("quarkus.management.enabled", "true");

    @Test
    void noDumpAnywhere() {
        // The management interface is up (connection accepted) and has no dump route.
        given().get("http://localhost:" + Integer.getInteger("quarkus.management.test-port", 9001) + "/q/goroutines").then()
                .statusCode(404);
        given().get("/q/goroutines").then().statusCode(404);
    }
}
