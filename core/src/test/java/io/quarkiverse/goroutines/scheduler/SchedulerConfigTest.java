package io.quarkiverse.goroutines.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

/** Every setting rejects out-of-range values with a message naming it, the value and the range. */
class SchedulerConfigTest {

    private static void rejects(String expected, UnaryOperator<SchedulerConfig.Builder> change) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> change.apply(SchedulerConfig.builder().procs(2)).build());
        assertEquals(expected, e.getMessage());
    }

    @Test
    void defaultsAreGos() {
        SchedulerConfig c = SchedulerConfig.builder().build();
        assertEquals(Runtime.getRuntime().availableProcessors(), c.procs());
        assertEquals(10_000, c.maxThreads());
        assertEquals(Duration.ofNanos(20_000), c.sysmonMinInterval());
        assertEquals(Duration.ofMillis(10), c.sysmonMaxInterval());
        assertEquals(Duration.ofMillis(10), c.syscallRetakeAfter());
        assertEquals(Duration.ofMillis(10), c.longRunningThreshold());
        assertEquals(null, c.schedtrace());
    }

    @Test
    void outOfRangeValuesNameTheSettingAndTheRange() {
        rejects("procs=0 is out of range: allowed 1..1024", b -> b.procs(0));
        rejects("max-threads=1 is out of range: allowed 2..1000000", b -> b.maxThreads(1));
        rejects("max-runnable=0 is out of range: allowed 1..2147483647", b -> b.maxRunnable(0));
        rejects("sysmon.min-interval=PT0.0000001S is out of range: allowed PT0.000001S..PT1S",
                b -> b.sysmonMinInterval(Duration.ofNanos(100)));
        rejects("sysmon.max-interval=PT0.00001S is out of range: allowed PT0.00002S..PT1S",
                b -> b.sysmonMaxInterval(Duration.ofNanos(10_000)));
        rejects("syscall.retake-after=PT2M is out of range: allowed PT0.000001S..PT1M",
                b -> b.syscallRetakeAfter(Duration.ofMinutes(2)));
        rejects("blocking-detection.threshold=PT0.000001S is out of range: allowed PT0.00001S..PT1M",
                b -> b.blockingThreshold(Duration.ofNanos(1000)));
        rejects("long-running.threshold=PT0S is out of range: allowed PT0.001S..PT1H",
                b -> b.longRunningThreshold(Duration.ZERO));
        rejects("schedtrace=PT0.001S is out of range: allowed PT0.01S..PT1H",
                b -> b.schedtrace(Duration.ofMillis(1)));
        rejects("shutdown.timeout=PT-1S is out of range: allowed PT0S..PT1H",
                b -> b.shutdownTimeout(Duration.ofSeconds(-1)));
    }
}
