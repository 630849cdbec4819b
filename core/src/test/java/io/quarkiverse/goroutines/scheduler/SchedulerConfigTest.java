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
        rejects("sysmon.min-interval=100ns is out of range: allowed 1us..1s",
                b -> b.sysmonMinInterval(Duration.ofNanos(100)));
        rejects("sysmon.max-interval=10us is out of range: allowed 20us..1s",
                b -> b.sysmonMaxInterval(Duration.ofNanos(10_000)));
        rejects("syscall.retake-after=2m is out of range: allowed 1us..1m",
                b -> b.syscallRetakeAfter(Duration.ofMinutes(2)));
        rejects("blocking-detection.threshold=1us is out of range: allowed 10us..1m",
                b -> b.blockingThreshold(Duration.ofNanos(1000)));
        rejects("long-running.threshold=0s is out of range: allowed 1ms..1h",
                b -> b.longRunningThreshold(Duration.ZERO));
        rejects("schedtrace=1ms is out of range: allowed 10ms..1h",
                b -> b.schedtrace(Duration.ofMillis(1)));
        rejects("shutdown.timeout=-1s is out of range: allowed 0s..1h",
                b -> b.shutdownTimeout(Duration.ofSeconds(-1)));
    }

    @Test
    void durationsAreFormattedAsTheDocsWriteThem() {
        assertEquals("1h", SchedulerConfig.format(Duration.ofHours(1)));
        assertEquals("90m", SchedulerConfig.format(Duration.ofMinutes(90)));
        assertEquals("10s", SchedulerConfig.format(Duration.ofSeconds(10)));
        assertEquals("1500ms", SchedulerConfig.format(Duration.ofMillis(1500)));
        assertEquals("20us", SchedulerConfig.format(Duration.ofNanos(20_000)));
        assertEquals("1us", SchedulerConfig.format(Duration.parse("PT0.000001S")));
        assertEquals("500ns", SchedulerConfig.format(Duration.ofNanos(500)));
        assertEquals("0s", SchedulerConfig.format(Duration.ZERO));
        assertEquals("-1s", SchedulerConfig.format(Duration.ofSeconds(-1)));
    }
}
