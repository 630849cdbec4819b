package io.quarkiverse.goroutines.deployment;

import static io.quarkiverse.goroutines.deployment.app.Where.assertStock;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.goroutines.runtime.Goroutines;
import io.quarkus.test.QuarkusUnitTest;

/** {@code quarkus.goroutines.enabled=false}: no scheduler, and every path is back on the stock worker pool. */
class DisabledTest {

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .setArchiveProducer(
                    () -> ShrinkWrap.create(JavaArchive.class).addClasses(DispatchPathsTest.APP).addClass(DisabledTest.class))
            .overrideRuntimeConfigKey("quarkus.goroutines.enabled", "false")
            .setLogRecordPredicate(r -> r.getLoggerName().startsWith("io.quarkiverse.goroutines"))
            .assertLogRecords(records -> assertTrue(
                    records.stream().anyMatch(r -> r.getMessage().contains("mode=stock")),
                    "start-up says the stock pool is used"));

    @Test
    void noSchedulerIsRunning() {
        assertNull(Goroutines.executor());
        // goroutines-timer is the JVM's one timer thread (Go.after, group deadlines), left by earlier tests in this
        // JVM: it belongs to no scheduler.
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("goroutines-")
                && !t.getName().equals("goroutines-timer")), "no scheduler threads");
    }

    @Test
    void everyPathRunsOnTheStockPool() {
        for (String path : new String[] { "/paths/plain", "/paths/blocking-uni", "/paths/execute-blocking",
                "/route/blocking", "/paths/consume-event", "/paths/scheduled", "/paths/managed-executor",
                "/paths/executor-service", "/paths/executor", "/paths/mutiny", "/paths/cdi-async" }) {
            assertStock(path, given().get(path).then().statusCode(200).extract().asString());
        }
    }
}
