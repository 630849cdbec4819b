package io.quarkiverse.goroutines.scheduler;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The knobs of a {@link Scheduler}, each with Go's equivalent.
 * <p>
 * Instances are immutable; make them with {@link #builder()}. {@link Builder#build()} checks every value and throws
 * {@link IllegalArgumentException} naming the setting, the value and the allowed range, so that a bad value fails
 * at start-up and not under load.
 */
public final class SchedulerConfig {

    /** Go's {@code maxmcount}: the default cap on Ms. */
    public static final int DEFAULT_MAX_THREADS = 10_000;
    /** Default bound on queued, not yet started Gs; above it {@code execute} rejects. */
    public static final int DEFAULT_MAX_RUNNABLE = 10_000;
    /** Upper bound on {@code procs}. */
    public static final int MAX_PROCS = 1024;

    private final String name;
    private final int procs;
    private final int maxThreads;
    private final int maxRunnable;
    private final Duration sysmonMinInterval;
    private final Duration sysmonMaxInterval;
    private final Duration syscallRetakeAfter;
    private final boolean blockingDetection;
    private final Duration blockingThreshold;
    private final Duration longRunningThreshold;
    private final boolean longRunningHandoff;
    private final Duration schedtrace;
    private final boolean scheddetail;
    private final Consumer<String> traceSink;
    private final Duration shutdownTimeout;
    private final ThreadFactory threadFactory;
    private final SchedulerMode mode;
    private final Duration reportAfter;
    private final boolean admission;
    private final Duration admissionTarget;
    private final Duration admissionInterval;
    private final String goroutineNamePrefix;

    private SchedulerConfig(Builder b) {
        this.name = b.name;
        this.procs = b.procs;
        this.maxThreads = b.maxThreads;
        this.maxRunnable = b.maxRunnable;
        this.sysmonMinInterval = b.sysmonMinInterval;
        this.sysmonMaxInterval = b.sysmonMaxInterval;
        this.syscallRetakeAfter = b.syscallRetakeAfter;
        this.blockingDetection = b.blockingDetection;
        this.blockingThreshold = b.blockingThreshold;
        this.longRunningThreshold = b.longRunningThreshold;
        this.longRunningHandoff = b.longRunningHandoff;
        this.schedtrace = b.schedtrace;
        this.scheddetail = b.scheddetail;
        this.traceSink = b.traceSink;
        this.shutdownTimeout = b.shutdownTimeout;
        this.threadFactory = b.threadFactory != null ? b.threadFactory : defaultThreadFactory(b.name);
        this.mode = b.mode;
        this.reportAfter = b.reportAfter;
        this.admission = b.admission;
        this.admissionTarget = b.admissionTarget;
        this.admissionInterval = b.admissionInterval;
        this.goroutineNamePrefix = b.goroutineNamePrefix;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding the values of this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.procs = procs;
        b.maxThreads = maxThreads;
        b.maxRunnable = maxRunnable;
        b.sysmonMinInterval = sysmonMinInterval;
        b.sysmonMaxInterval = sysmonMaxInterval;
        b.syscallRetakeAfter = syscallRetakeAfter;
        b.blockingDetection = blockingDetection;
        b.blockingThreshold = blockingThreshold;
        b.longRunningThreshold = longRunningThreshold;
        b.longRunningHandoff = longRunningHandoff;
        b.schedtrace = schedtrace;
        b.scheddetail = scheddetail;
        b.traceSink = traceSink;
        b.shutdownTimeout = shutdownTimeout;
        b.threadFactory = threadFactory;
        b.mode = mode;
        b.reportAfter = reportAfter;
        b.admission = admission;
        b.admissionTarget = admissionTarget;
        b.admissionInterval = admissionInterval;
        b.goroutineNamePrefix = goroutineNamePrefix;
        return b;
    }

    /** Name used in thread names and log lines. */
    public String name() {
        return name;
    }

    /** Number of Ps (Go: {@code GOMAXPROCS}). */
    public int procs() {
        return procs;
    }

    /** Cap on Ms, OS threads that run Gs (Go: {@code debug.SetMaxThreads}, default 10,000). */
    public int maxThreads() {
        return maxThreads;
    }

    /** Bound on Gs queued and not yet started; {@code execute} throws {@code RejectedExecutionException} above it. */
    public int maxRunnable() {
        return maxRunnable;
    }

    /** sysmon's shortest sleep (Go: 20 µs). */
    public Duration sysmonMinInterval() {
        return sysmonMinInterval;
    }

    /** sysmon's longest sleep while work exists (Go: 10 ms). */
    public Duration sysmonMaxInterval() {
        return sysmonMaxInterval;
    }

    /** A P in a syscall is retaken after this long even when nothing waits for it (Go: 10 ms). */
    public Duration syscallRetakeAfter() {
        return syscallRetakeAfter;
    }

    /** Whether sysmon detects blocking that nobody announced and hands the P off. */
    public boolean blockingDetection() {
        return blockingDetection;
    }

    /** How long a P's schedtick must stand still, with its M blocked, before the P is handed off. */
    public Duration blockingThreshold() {
        return blockingThreshold;
    }

    /** A G running longer than this is logged once with its stack (Go: {@code forcePreemptNS}, 10 ms). */
    public Duration longRunningThreshold() {
        return longRunningThreshold;
    }

    /** Whether a G running past {@link #longRunningThreshold()} also loses its P, as after a preemption. */
    public boolean longRunningHandoff() {
        return longRunningHandoff;
    }

    /** Period of {@code SCHED} trace lines (Go: {@code GODEBUG=schedtrace}); {@code null} when off. */
    public Duration schedtrace() {
        return schedtrace;
    }

    /** Whether trace lines include one line per P, M and G (Go: {@code GODEBUG=scheddetail=1}). */
    public boolean scheddetail() {
        return scheddetail;
    }

    /** Where trace lines go. */
    public Consumer<String> traceSink() {
        return traceSink;
    }

    /** How long shutdown waits for queued and running Gs. */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** Makes the OS threads of Ms. */
    public ThreadFactory threadFactory() {
        return threadFactory;
    }

    /** How Gs run: as platform threads, as virtual threads, or whichever the JDK allows. */
    public SchedulerMode mode() {
        return mode;
    }

    /**
     * Age past which a G that has not ended (running, blocked in a call, parked or queued) is reported once in the
     * log; {@link Duration#ZERO} for never.
     */
    public Duration reportAfter() {
        return reportAfter;
    }

    /** Whether new work is refused while Gs wait too long for a P (see {@link #admissionTarget()}). */
    public boolean admission() {
        return admission;
    }

    /** The queueing delay that, exceeded without a break for {@link #admissionInterval()}, makes the scheduler shed. */
    public Duration admissionTarget() {
        return admissionTarget;
    }

    /** How long the queueing delay must stay above {@link #admissionTarget()} before new work is refused. */
    public Duration admissionInterval() {
        return admissionInterval;
    }

    /** The name of a virtual G's thread is this prefix and the G's id (virtual mode). */
    public String goroutineNamePrefix() {
        return goroutineNamePrefix;
    }

    @Override
    public String toString() {
        return "procs=" + procs + ", max-threads=" + maxThreads + ", max-runnable=" + maxRunnable
                + ", sysmon=" + format(sysmonMinInterval) + ".." + format(sysmonMaxInterval)
                + ", blocking-detection=" + (blockingDetection ? format(blockingThreshold) : "off")
                + ", long-running=" + format(longRunningThreshold) + (longRunningHandoff ? " (handoff)" : "");
    }

    private static final long[] UNIT_NANOS = { 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L,
            1_000L, 1L };
    private static final String[] UNITS = { "h", "m", "s", "ms", "us", "ns" };

    /**
     * A duration as the docs write it, in the largest unit that holds it whole: {@code 1h}, {@code 5m}, {@code 10s},
     * {@code 1500ms}, {@code 20us}, {@code 500ns}, {@code 0s}. Used in every message that shows a setting.
     */
    public static String format(Duration d) {
        long nanos;
        try {
            nanos = d.toNanos();
        } catch (ArithmeticException e) {
            return d.toString(); // beyond 292 years: no user writes that
        }
        if (nanos == 0) {
            return "0s";
        }
        for (int i = 0; i < UNITS.length; i++) {
            if (nanos % UNIT_NANOS[i] == 0) {
                return nanos / UNIT_NANOS[i] + UNITS[i];
            }
        }
        throw new AssertionError("every duration is a whole number of nanoseconds");
    }

    static ThreadFactory defaultThreadFactory(String name) {
        AtomicInteger seq = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-m-" + seq.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Collects and checks the values of a {@link SchedulerConfig}. */
    public static final class Builder {
        private String name = "goroutines";
        private int procs = Runtime.getRuntime().availableProcessors();
        private int maxThreads = DEFAULT_MAX_THREADS;
        private int maxRunnable = DEFAULT_MAX_RUNNABLE;
        private Duration sysmonMinInterval = Duration.ofNanos(20_000);
        private Duration sysmonMaxInterval = Duration.ofMillis(10);
        private Duration syscallRetakeAfter = Duration.ofMillis(10);
        private boolean blockingDetection = true;
        private Duration blockingThreshold = Duration.ofMillis(1);
        private Duration longRunningThreshold = Duration.ofMillis(10);
        private boolean longRunningHandoff = true;
        private Duration schedtrace;
        private boolean scheddetail;
        private Consumer<String> traceSink = line -> java.util.logging.Logger.getLogger("io.quarkiverse.goroutines.schedtrace")
                .info(line);
        private Duration shutdownTimeout = Duration.ofSeconds(10);
        private ThreadFactory threadFactory;
        private SchedulerMode mode = SchedulerMode.AUTO;
        private Duration reportAfter = Duration.ofSeconds(5);
        private boolean admission = true;
        private Duration admissionTarget = Duration.ofMillis(100);
        private Duration admissionInterval = Duration.ofSeconds(1);
        private String goroutineNamePrefix = "goroutine-";

        private Builder() {
        }

        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        public Builder procs(int procs) {
            this.procs = procs;
            return this;
        }

        public Builder maxThreads(int maxThreads) {
            this.maxThreads = maxThreads;
            return this;
        }

        public Builder maxRunnable(int maxRunnable) {
            this.maxRunnable = maxRunnable;
            return this;
        }

        public Builder sysmonMinInterval(Duration d) {
            this.sysmonMinInterval = d;
            return this;
        }

        public Builder sysmonMaxInterval(Duration d) {
            this.sysmonMaxInterval = d;
            return this;
        }

        public Builder syscallRetakeAfter(Duration d) {
            this.syscallRetakeAfter = d;
            return this;
        }

        public Builder blockingDetection(boolean on) {
            this.blockingDetection = on;
            return this;
        }

        public Builder blockingThreshold(Duration d) {
            this.blockingThreshold = d;
            return this;
        }

        public Builder longRunningThreshold(Duration d) {
            this.longRunningThreshold = d;
            return this;
        }

        public Builder longRunningHandoff(boolean on) {
            this.longRunningHandoff = on;
            return this;
        }

        /** @param period trace period, or {@code null} for none */
        public Builder schedtrace(Duration period) {
            this.schedtrace = period;
            return this;
        }

        public Builder scheddetail(boolean on) {
            this.scheddetail = on;
            return this;
        }

        public Builder traceSink(Consumer<String> sink) {
            this.traceSink = Objects.requireNonNull(sink, "traceSink");
            return this;
        }

        public Builder shutdownTimeout(Duration d) {
            this.shutdownTimeout = d;
            return this;
        }

        /** @param factory makes M threads; {@code null} for daemon platform threads named {@code <name>-m-N} */
        public Builder threadFactory(ThreadFactory factory) {
            this.threadFactory = factory;
            return this;
        }

        /** @param mode how Gs run; {@link SchedulerMode#AUTO} (the default) picks virtual where the JDK allows */
        public Builder mode(SchedulerMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** @param after age past which a G that has not ended is reported once; {@link Duration#ZERO} for never */
        public Builder reportAfter(Duration after) {
            this.reportAfter = after;
            return this;
        }

        public Builder admission(boolean on) {
            this.admission = on;
            return this;
        }

        public Builder admissionTarget(Duration d) {
            this.admissionTarget = d;
            return this;
        }

        public Builder admissionInterval(Duration d) {
            this.admissionInterval = d;
            return this;
        }

        public Builder goroutineNamePrefix(String prefix) {
            this.goroutineNamePrefix = Objects.requireNonNull(prefix, "goroutineNamePrefix");
            return this;
        }

        /**
         * Checks every value and builds.
         *
         * @throws IllegalArgumentException naming the first setting out of range, its value and the allowed range
         */
        public SchedulerConfig build() {
            checkRange("procs", procs, 1, MAX_PROCS);
            checkRange("max-threads", maxThreads, procs, 1_000_000);
            checkRange("max-runnable", maxRunnable, 1, Integer.MAX_VALUE);
            Duration second = Duration.ofSeconds(1);
            checkRange("sysmon.min-interval", sysmonMinInterval, Duration.ofNanos(1_000), second);
            checkRange("sysmon.max-interval", sysmonMaxInterval, sysmonMinInterval, Duration.ofSeconds(1));
            checkRange("syscall.retake-after", syscallRetakeAfter, Duration.ofNanos(1_000), Duration.ofMinutes(1));
            checkRange("blocking-detection.threshold", blockingThreshold, Duration.ofNanos(10_000), Duration.ofMinutes(1));
            checkRange("long-running.threshold", longRunningThreshold, Duration.ofMillis(1), Duration.ofHours(1));
            if (schedtrace != null) {
                checkRange("schedtrace", schedtrace, Duration.ofMillis(10), Duration.ofHours(1));
            }
            checkRange("shutdown.timeout", shutdownTimeout, Duration.ZERO, Duration.ofHours(1));
            checkRange("report.after", reportAfter, Duration.ZERO, Duration.ofDays(1));
            checkRange("admission.target", admissionTarget, Duration.ofMillis(1), Duration.ofMinutes(10));
            checkRange("admission.interval", admissionInterval, Duration.ofMillis(10), Duration.ofMinutes(10));
            return new SchedulerConfig(this);
        }

        private static void checkRange(String what, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(
                        what + "=" + value + " is out of range: allowed " + min + ".." + max);
            }
        }

        private static void checkRange(String what, Duration value, Duration min, Duration max) {
            if (value == null) {
                throw new IllegalArgumentException(what + " must be set: allowed " + format(min) + ".." + format(max));
            }
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(
                        what + "=" + format(value) + " is out of range: allowed " + format(min) + ".." + format(max));
            }
        }
    }
}
