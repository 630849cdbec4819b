package io.quarkiverse.goroutines.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.quarkiverse.goroutines.scheduler.SchedulerConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** {@code application.properties} values to {@link SchedulerConfig}: defaults, every property, every range. */
class SchedulerSettingsTest {

    private static final ThreadFactory THREADS = Thread::new;

    static GoroutinesConfig mapping(Map<String, String> props) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(GoroutinesConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(props, "test", 500))
                .build();
        return config.getConfigMapping(GoroutinesConfig.class);
    }

    static SchedulerConfig settings(String... keyValues) {
        Map<String, String> props = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put("quarkus.goroutines." + keyValues[i], keyValues[i + 1]);
        }
        return SchedulerSettings.from(mapping(props), THREADS);
    }

    @Test
    void defaultsAreGosDefaults() {
        GoroutinesConfig raw = mapping(Map.of());
        assertTrue(raw.enabled());
        SchedulerConfig c = settings();
        assertEquals(Runtime.getRuntime().availableProcessors(), c.procs());
        assertEquals(10_000, c.maxThreads());
        assertEquals(10_000, c.maxRunnable());
        assertEquals(Duration.ofNanos(20_000), c.sysmonMinInterval());
        assertEquals(Duration.ofMillis(10), c.sysmonMaxInterval());
        assertEquals(Duration.ofMillis(10), c.syscallRetakeAfter());
        assertTrue(c.blockingDetection());
        assertEquals(Duration.ofMillis(1), c.blockingThreshold());
        assertEquals(Duration.ofMillis(10), c.longRunningThreshold());
        assertTrue(c.longRunningHandoff(), "preemption is on by default, as in Go");
        assertNull(c.schedtrace());
        assertFalse(c.scheddetail());
        assertEquals(Duration.ofSeconds(10), c.shutdownTimeout());
        assertEquals(Duration.ofSeconds(5), c.reportAfter());
        assertTrue(c.admission());
        assertEquals(Duration.ofMillis(100), c.admissionTarget());
        assertEquals(Duration.ofSeconds(1), c.admissionInterval());
        assertEquals("goroutine-", c.goroutineNamePrefix());
        assertEquals(THREADS, c.threadFactory());
    }

    @Test
    void everyPropertyIsMapped() {
        SchedulerConfig c = settings("procs", "5", "max-threads", "64", "max-runnable", "9",
                "sysmon.min-interval", "PT0.0001S", "sysmon.max-interval", "30ms", "syscall.retake-after", "2ms",
                "blocking-detection.enabled", "false", "blocking-detection.threshold", "3ms",
                "long-running.threshold", "1s", "long-running.handoff", "false", "schedtrace", "1s",
                "scheddetail", "true", "shutdown.timeout", "0s", "report.after", "0s", "admission.enabled", "false",
                "admission.target", "20ms", "admission.interval", "250ms", "goroutine-name-prefix", "req-");
        assertEquals(5, c.procs());
        assertEquals(64, c.maxThreads());
        assertEquals(9, c.maxRunnable());
        assertEquals(Duration.ofNanos(100_000), c.sysmonMinInterval());
        assertEquals(Duration.ofMillis(30), c.sysmonMaxInterval());
        assertEquals(Duration.ofMillis(2), c.syscallRetakeAfter());
        assertFalse(c.blockingDetection());
        assertEquals(Duration.ofMillis(3), c.blockingThreshold());
        assertEquals(Duration.ofSeconds(1), c.longRunningThreshold());
        assertFalse(c.longRunningHandoff());
        assertEquals(Duration.ofSeconds(1), c.schedtrace());
        assertTrue(c.scheddetail());
        assertEquals(Duration.ZERO, c.shutdownTimeout());
        assertEquals(Duration.ZERO, c.reportAfter(), "0s turns reports off");
        assertFalse(c.admission());
        assertEquals(Duration.ofMillis(20), c.admissionTarget());
        assertEquals(Duration.ofMillis(250), c.admissionInterval());
        assertEquals("req-", c.goroutineNamePrefix());
    }

    @Test
    void enabledFalseIsReadAsFalse() {
        assertFalse(mapping(Map.of("quarkus.goroutines.enabled", "false")).enabled());
    }

    /** Each row: property, bad value, the message's value and range. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "procs|0|0|1..1024",
            "procs|1025|1025|1..1024",
            "max-threads|1|1|4..1000000",
            "max-threads|1000001|1000001|4..1000000",
            "max-runnable|0|0|1..2147483647",
            "sysmon.min-interval|PT0.0000005S|500ns|1us..1s",
            "sysmon.min-interval|2s|2s|1us..1s",
            "sysmon.max-interval|2s|2s|20us..1s",
            "syscall.retake-after|0s|0s|1us..1m",
            "syscall.retake-after|2m|2m|1us..1m",
            "blocking-detection.threshold|0.000005s|5us|10us..1m",
            "long-running.threshold|PT0.0005S|500us|1ms..1h",
            "sysmon.max-interval|1.5s|1500ms|20us..1s",
            "schedtrace|1ms|1ms|10ms..1h",
            "shutdown.timeout|2h|2h|0s..1h",
            "shutdown.timeout|3601s|3601s|0s..1h",
            "report.after|2d|48h|0s..24h",
            "report.after|-1s|-1s|0s..24h",
            "admission.target|0s|0s|1ms..10m",
            "admission.target|11m|11m|1ms..10m",
            "admission.interval|5ms|5ms|10ms..10m",
            "admission.interval|1h|1h|10ms..10m",
    })
    void outOfRangeNamesPropertyValueAndRange(String property, String value, String shown, String range) {
        String[] extra = property.equals("max-threads") ? new String[] { "procs", "4" } : new String[0];
        String[] kv = new String[extra.length + 2];
        System.arraycopy(extra, 0, kv, 0, extra.length);
        kv[extra.length] = property;
        kv[extra.length + 1] = value;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings(kv));
        assertEquals("quarkus.goroutines." + property + "=" + shown + " is out of range: allowed " + range,
                e.getMessage());
    }
}
