package io.quarkiverse.goroutines.deployment.observe;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/** An enabled dump without the management interface is refused with a warning, never put on the main port. */
class DumpWithoutManagementTest {

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .setArchiveProducer(() -> ShrinkWrap.create(JavaArchive.class))
            .overrideConfigKey("quarkus.goroutines.dump.enabled", "true")
            .setLogRecordPredicate(r -> r.getLoggerName().startsWith("io.quarkiverse.goroutines"))
            .assertLogRecords(records -> assertTrue(records.stream()
                    .anyMatch(r -> r.getMessage().contains("needs quarkus.management.enabled=true")),
                    "the build says why the dump is not served"));

    @Test
    void notOnTheApplicationPort() {
        given().get("/q/goroutines").then().statusCode(404);
    }
}
