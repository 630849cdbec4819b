package io.quarkiverse.goroutines.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.goroutines.Go;
import io.quarkiverse.goroutines.runtime.Goroutines;
import io.quarkiverse.goroutines.scheduler.Scheduler;
import io.quarkiverse.goroutines.scheduler.SchedulerConfig;
import io.quarkus.test.QuarkusUnitTest;

/** Every property, set to a valid value other than its default, reaches the running scheduler. */
class ConfigValuesTest {

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withEmptyApplication()
            .overrideRuntimeConfigKey("quarkus.goroutines.procs", "3")
            .overrideRuntimeConfigKey("quarkus.goroutines.max-threads", "50")
            .overrideRuntimeConfigKey("quarkus.goroutines.max-runnable", "77")
            .overrideRuntimeConfigKey("quarkus.goroutines.sysmon.min-interval", "PT0.00005S")
            .overrideRuntimeConfigKey("quarkus.goroutines.sysmon.max-interval", "20ms")
            .overrideRuntimeConfigKey("quarkus.goroutines.syscall.retake-after", "5ms")
            .overrideRuntimeConfigKey("quarkus.goroutines.blocking-detection.enabled", "false")
            .overrideRuntimeConfigKey("quarkus.goroutines.blocking-detection.threshold", "2ms")
            .overrideRuntimeConfigKey("quarkus.goroutines.long-running.threshold", "50ms")
            .overrideRuntimeConfigKey("quarkus.goroutines.long-running.handoff", "false")
            .overrideRuntimeConfigKey("quarkus.goroutines.schedtrace", "100ms")
            .overrideRuntimeConfigKey("quarkus.goroutines.scheddetail", "true")
            .overrideRuntimeConfigKey("quarkus.goroutines.shutdown.timeout", "3s")
            .overrideRuntimeConfigKey("quarkus.goroutines.report.after", "30s")
            .overrideRuntimeConfigKey("quarkus.goroutines.admission.enabled", "false")
            .overrideRuntimeConfigKey("quarkus.goroutines.admission.target", "50ms")
            .overrideRuntimeConfigKey("quarkus.goroutines.admission.interval", "2s")
            .overrideRuntimeConfigKey("quarkus.goroutines.goroutine-name-prefix", "g-");

    @Test
    void everyValueReachesTheScheduler() {
        Scheduler s = Goroutines.executor().scheduler();
        SchedulerConfig c = s.config();
        System.out.println("[goroutines-test] scheduler config: " + c);
        assertEquals(3, c.procs());
        assertEquals(3, s.procs());
        assertEquals(50, c.maxThreads());
        assertEquals(77, c.maxRunnable());
        assertEquals(Duration.ofNanos(50_000), c.sysmonMinInterval());
        assertEquals(Duration.ofMillis(20), c.sysmonMaxInterval());
        assertEquals(Duration.ofMillis(5), c.syscallRetakeAfter());
        assertFalse(c.blockingDetection());
        assertEquals(Duration.ofMillis(2), c.blockingThreshold());
        assertEquals(Duration.ofMillis(50), c.longRunningThreshold());
        assertFalse(c.longRunningHandoff());
        assertEquals(Duration.ofMillis(100), c.schedtrace());
        assertTrue(c.scheddetail());
        assertEquals(Duration.ofSeconds(3), c.shutdownTimeout());
        assertEquals(Duration.ofSeconds(30), c.reportAfter());
        assertFalse(c.admission());
        assertEquals(Duration.ofMillis(50), c.admissionTarget());
        assertEquals(Duration.ofSeconds(2), c.admissionInterval());
        assertEquals("g-", c.goroutineNamePrefix());
    }

    @Test
    void goUsesTheAppScheduler() throws Exception {
        assertEquals(3, Go.maxProcs());
        CountDownLatch ran = new CountDownLatch(1);
        AtomicReference<String> where = new AtomicReference<>();
        Go.go(() -> {
            where.set(Go.current().orElseThrow().thread() + "|g" + Go.current().orElseThrow().id());
            ran.countDown();
        });
        assertTrue(ran.await(10, TimeUnit.SECONDS));
        System.out.println("[goroutines-test] Go.go from the test thread ran on " + where.get());
        assertTrue(where.get().matches("executor-thread-\\d+\\|g\\d+"), where.get());
    }

    @Test
    void schedtraceWithDetailIsLogged() throws InterruptedException {
        CountDownLatch traced = new CountDownLatch(1);
        AtomicReference<String> line = new AtomicReference<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getMessage() != null && record.getMessage().startsWith("SCHED ")) {
                    line.set(record.getMessage());
                    traced.countDown();
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger("io.quarkiverse.goroutines.schedtrace");
        logger.addHandler(handler);
        try {
            assertTrue(traced.await(10, TimeUnit.SECONDS), "a SCHED line within 10 s");
        } finally {
            logger.removeHandler(handler);
        }
        assertNotNull(line.get());
        System.out.println("[goroutines-test] schedtrace: " + line.get());
        assertTrue(line.get().contains("gomaxprocs=3"), line.get());
        assertTrue(line.get().contains("\n  P2:"), "scheddetail adds one line per P: " + line.get());
    }
}
