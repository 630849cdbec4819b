package io.quarkiverse.goroutines.runtime;

import java.util.concurrent.ThreadFactory;

import io.quarkiverse.goroutines.scheduler.SchedulerConfig;

/**
 * Turns {@link GoroutinesConfig} into a checked {@link SchedulerConfig}.
 * <p>
 * The core names a bad setting by its short name ({@code procs=0 is out of range: allowed 1..1024}); this class
 * re-throws it with the full property name, so that the start-up error says what to change in
 * {@code application.properties}.
 */
public final class SchedulerSettings {

    static final String PREFIX = "quarkus.goroutines.";

    private SchedulerSettings() {
    }

    /**
     * @throws IllegalArgumentException {@code quarkus.goroutines.<setting>=<value> is out of range: allowed min..max}
     */
    public static SchedulerConfig from(GoroutinesConfig config, ThreadFactory threadFactory) {
        SchedulerConfig.Builder b = SchedulerConfig.builder()
                .name("goroutines")
                .mode(config.mode())
                .maxThreads(config.maxThreads())
                .maxRunnable(config.maxRunnable())
                .sysmonMinInterval(config.sysmon().minInterval())
                .sysmonMaxInterval(config.sysmon().maxInterval())
                .syscallRetakeAfter(config.syscall().retakeAfter())
                .blockingDetection(config.blockingDetection().enabled())
                .blockingThreshold(config.blockingDetection().threshold())
                .longRunningThreshold(config.longRunning().threshold())
                .longRunningHandoff(config.longRunning().handoff())
                .schedtrace(config.schedtrace().orElse(null))
                .scheddetail(config.scheddetail())
                .shutdownTimeout(config.shutdown().timeout())
                .reportAfter(config.report().after())
                .admission(config.admission().enabled())
                .admissionTarget(config.admission().target())
                .admissionInterval(config.admission().interval())
                .goroutineNamePrefix(config.goroutineNamePrefix())
                .threadFactory(threadFactory);
        if (config.procs().isPresent()) {
            b.procs(config.procs().getAsInt());
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PREFIX + e.getMessage(), e);
        }
    }
}
