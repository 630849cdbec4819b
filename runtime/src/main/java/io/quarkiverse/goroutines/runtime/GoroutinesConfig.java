package io.quarkiverse.goroutines.runtime;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

import io.quarkiverse.goroutines.scheduler.SchedulerMode;
import io.quarkus.runtime.annotations.ConfigDocSection;
import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The G/M/P scheduler that runs every blocking request of the app.
 * <p>
 * All values are read at start-up; a value out of range fails start-up naming the property, the value and the
 * allowed range. Durations below a millisecond are written here and in messages as {@code 20us}; Quarkus has no
 * microsecond unit, so set them in seconds ({@code 0.00002s}) or ISO-8601 ({@code PT0.00002S}).
 */
@ConfigMapping(prefix = "quarkus.goroutines")
@ConfigRoot(phase = ConfigPhase.RUN_TIME)
public interface GoroutinesConfig {

    /**
     * Whether blocking work runs as Gs on the G/M/P scheduler. With {@code false} no scheduler is started and every
     * blocking request runs on the stock Quarkus worker pool ({@code quarkus.thread-pool.*}), as without this
     * extension.
     */
    @WithDefault("true")
    boolean enabled();

    /**
     * How Gs run. {@code virtual}: each G is a virtual thread whose scheduler is the G/M/P scheduler, so a G that
     * waits (socket I/O, sleep, locks, channels) leaves its thread, as a goroutine does; blocking that pins the
     * thread (native calls, file I/O) is handed off as in platform mode. {@code platform}: a G runs on its thread
     * from start to end, and a blocked G keeps its thread while its P is handed off. {@code auto}: {@code virtual}
     * where the JDK allows it (Java 21 or later; the extension opens {@code java.base/java.lang} itself), else
     * {@code platform}. The start-up log line says which mode runs and why. Go's goroutines behave as
     * {@code virtual}.
     */
    @WithDefault("auto")
    SchedulerMode mode();

    /**
     * Number of Ps: how many Gs run Java code at the same time. Go's equivalent is {@code GOMAXPROCS}. Defaults to
     * the number of available processors. Allowed 1..1024.
     */
    OptionalInt procs();

    /**
     * Cap on Ms, the OS threads that run Gs, including Ms blocked in a syscall or in unannounced blocking. Go's
     * equivalent is {@code debug.SetMaxThreads} (default 10000). Allowed procs..1000000.
     */
    @WithDefault("10000")
    int maxThreads();

    /**
     * Bound on Gs that are queued and not yet started. Above it new blocking requests are rejected with HTTP 503
     * (as the stock pool does when it is exhausted). Go has no equivalent: its run queues are unbounded. Allowed
     * 1..2147483647.
     */
    @WithDefault("10000")
    int maxRunnable();

    /**
     * sysmon, the monitor thread that retakes Ps from blocked Ms.
     */
    @ConfigDocSection
    Sysmon sysmon();

    /**
     * Announced blocking ({@code Go.syscall}).
     */
    @ConfigDocSection
    Syscall syscall();

    /**
     * Detection of blocking that nobody announced ({@code Thread.sleep}, a blocking read, a lock).
     */
    @ConfigDocSection
    BlockingDetection blockingDetection();

    /**
     * Gs that run for a long time without blocking.
     */
    @ConfigDocSection
    LongRunning longRunning();

    /**
     * Period of the {@code SCHED} trace line written to the log (category {@code io.quarkiverse.goroutines.schedtrace}).
     * Go's equivalent is {@code GODEBUG=schedtrace=<ms>}. Off unless set. Allowed 10ms..1h.
     */
    Optional<Duration> schedtrace();

    /**
     * Whether each trace line is followed by one line per P, M and G. Go's equivalent is
     * {@code GODEBUG=scheddetail=1}. Default {@code false}; has an effect only with {@code schedtrace}.
     */
    @WithDefault("false")
    boolean scheddetail();

    /**
     * Shutdown of the scheduler.
     */
    @ConfigDocSection
    Shutdown shutdown();

    /**
     * Deadlines and disconnects of blocking Quarkus REST requests.
     */
    @ConfigDocSection
    Request request();

    /** sysmon settings. */
    interface Sysmon {
        /**
         * sysmon's shortest sleep, used while it finds work to do. Go's sysmon starts at 20us. Default 20us (written
         * {@code 0.00002s}: Quarkus has no microsecond unit). Allowed 1us..1s.
         */
        @WithDefault("PT0.00002S")
        Duration minInterval();

        /**
         * sysmon's longest sleep while Gs exist. Go's sysmon doubles its sleep up to 10ms. Default 10ms. Allowed
         * min-interval..1s.
         */
        @WithDefault("10ms")
        Duration maxInterval();
    }

    /** Syscall settings. */
    interface Syscall {
        /**
         * A P whose M is in an announced syscall is handed to another M after this long, even when no G waits for it.
         * Go retakes such a P after 10ms (at once when work is waiting). Default 10ms. Allowed 1us..1m.
         */
        @WithDefault("10ms")
        Duration retakeAfter();
    }

    /** Unannounced-blocking detection settings. */
    interface BlockingDetection {
        /**
         * Whether sysmon detects an M blocked without announcing it and hands its P to another M. Go needs no such
         * detection: every blocking syscall is announced by the runtime. Default {@code true}.
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * How long a P may make no progress, with its M blocked, before it is handed off even when nothing waits
         * for it. When work is queued that no idle P can take, the P is handed off as soon as sysmon sees the M
         * blocked. Go's closest equivalent is the 10ms
         * after which a P in a syscall is retaken regardless. Default 1ms. Allowed 10us..1m.
         */
        @WithDefault("1ms")
        Duration threshold();
    }

    /** Long-running G settings. */
    interface LongRunning {
        /**
         * How long a G may hold its P without a scheduling point before it is preempted (with {@code handoff}). Go
         * preempts a G after 10ms ({@code forcePreemptNS}). Default 10ms. Allowed 1ms..1h.
         */
        @WithDefault("10ms")
        Duration threshold();

        /**
         * Whether a G running past {@code long-running.threshold} loses its P, which goes to another M, as after Go's
         * asynchronous preemption: the G keeps its thread and takes a P back as after a syscall. Silent, counted
         * ({@code goroutines.preemptions}). Java cannot stop the G itself, so each preempted G still running costs
         * one thread more, within {@code max-threads}. Default {@code true}.
         */
        @WithDefault("true")
        boolean handoff();
    }

    /**
     * Reports of Gs that have not ended.
     */
    @ConfigDocSection
    Report report();

    /**
     * Admission by queueing delay: new requests are refused with HTTP 503 and {@code Retry-After} while Gs wait too
     * long for a P.
     */
    @ConfigDocSection
    Admission admission();

    /**
     * Name of a virtual G's thread (virtual mode): this prefix and the G's id, e.g. {@code goroutine-42}. It is what
     * the {@code %t} column of a log line shows for code run by a G. In platform mode a G runs on an M, whose thread
     * keeps its Quarkus name ({@code executor-thread-N}). Default {@code goroutine-}.
     */
    @WithDefault("goroutine-")
    String goroutineNamePrefix();

    /** Report settings. */
    interface Report {
        /**
         * A G that has not ended this long after it began (running on CPU, blocked in a call, parked, or waiting for a
         * P) is logged once, as a WARNING with its state, its request ({@code GET /path}), its age and the top of its
         * stack; more than 5 at once give one summary line. Go has no equivalent. Default 5s; {@code 0s} turns
         * reports off. Allowed 0s..24h.
         */
        @WithDefault("5s")
        Duration after();
    }

    /** Admission settings. */
    interface Admission {
        /**
         * Whether new work is refused while Gs wait longer than {@code admission.target} for a P. Go never refuses
         * work. Default {@code true}.
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * The queueing delay (time from entering a run queue to getting a P) that, exceeded without a break for
         * {@code admission.interval}, makes the scheduler refuse new requests (503 with {@code Retry-After}) until a
         * G is again taken within it or the queues drain. Default 100ms. Allowed 1ms..10m.
         */
        @WithDefault("100ms")
        Duration target();

        /**
         * How long the queueing delay must stay above {@code admission.target} before new requests are refused; also
         * the {@code Retry-After} given to refused clients (at least one second). Default 1s. Allowed 10ms..10m.
         */
        @WithDefault("1s")
        Duration interval();
    }

    /** Shutdown settings. */
    interface Shutdown {
        /**
         * How long shutdown waits for queued and running Gs to finish before stopping the Ms. Go has no equivalent
         * (a Go program exits without waiting). Default 10s. Allowed 0s..1h.
         */
        @WithDefault("10s")
        Duration timeout();
    }

    /** Request settings. */
    interface Request {
        /**
         * Deadline of every blocking Quarkus REST request, counted from when it is handed to a G. At the deadline the
         * request's G and the groups it made ({@code Go.group()}) are cancelled: they throw
         * {@code CancellationException} at their next blocking point. The client gets {@code 503 Service Unavailable}
         * with the reason in a plain-text body at once, unless the response has already started. A resource method
         * (or class) annotated {@code @RequestTimeout} uses its own value instead. Off unless set. Allowed 1ms..1h.
         */
        Optional<Duration> timeout();

        /**
         * Whether a blocking Quarkus REST request whose HTTP client disconnects has its G and the groups it made
         * cancelled. Default {@code true}.
         */
        @WithDefault("true")
        boolean cancelOnDisconnect();
    }
}
