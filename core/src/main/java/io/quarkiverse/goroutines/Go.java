package io.quarkiverse.goroutines;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

import io.quarkiverse.goroutines.scheduler.Scheduler;
import io.quarkiverse.goroutines.scheduler.SchedulerConfig;

/**
 * Go's runtime API for Java code: spawn goroutines, announce blocking calls, yield, and look at the scheduler.
 * <p>
 * Every method works on the <em>current</em> scheduler: the one whose M runs the caller, or else the default one
 * (set by the Quarkus extension to the application's scheduler, or made on first use with default settings).
 */
public final class Go {
    private static final AtomicReference<Scheduler> DEFAULT = new AtomicReference<>();

    private Go() {
    }

    /** Starts {@code task} as a new goroutine (Go's {@code go} statement). */
    public static void go(Runnable task) {
        scheduler().go(task);
    }

    /**
     * Runs a blocking call with the current G's P released, so that other goroutines keep running (Go's
     * {@code entersyscall}/{@code exitsyscall}). Outside a goroutine it just runs the call.
     */
    public static <T> T syscall(Callable<T> call) throws Exception {
        Scheduler s = Scheduler.current();
        return s == null ? call.call() : s.syscall(call);
    }

    /** {@link #syscall(Callable)} for a call that returns nothing. */
    public static void syscall(ThrowingRunnable call) throws Exception {
        syscall(() -> {
            call.run();
            return null;
        });
    }

    /** Lets other queued goroutines run before the caller goes on (Go's {@code runtime.Gosched}). */
    public static void yield() {
        Scheduler s = Scheduler.current();
        if (s == null) {
            Thread.yield();
        } else {
            s.yieldG();
        }
    }

    /** Live goroutines of the current scheduler (Go's {@code runtime.NumGoroutine}). */
    public static int numGoroutine() {
        return scheduler().numGoroutine();
    }

    /** The number of Ps (Go's {@code runtime.GOMAXPROCS(0)}). */
    public static int maxProcs() {
        return scheduler().procs();
    }

    /** Sets the number of Ps and returns the previous one (Go's {@code runtime.GOMAXPROCS(n)}). */
    public static int maxProcs(int n) {
        return scheduler().procs(n);
    }

    /** The goroutine running the caller; empty outside a goroutine. */
    public static Optional<GoroutineInfo> current() {
        Scheduler.GoroutineView v = Scheduler.currentG();
        if (v == null) {
            return Optional.empty();
        }
        return Optional.of(new GoroutineInfo(v.id(), v.status().name(), v.p(), v.m(), v.thread(), v.scheduler(),
                v.virtual()));
    }

    /**
     * Makes {@code s} the scheduler used by callers outside any goroutine; returns the previous one (may be null).
     */
    public static Scheduler setDefaultScheduler(Scheduler s) {
        return DEFAULT.getAndSet(s);
    }

    /** The scheduler of the calling M, else the default one, made on first use. */
    public static Scheduler scheduler() {
        Scheduler s = Scheduler.current();
        if (s != null) {
            return s;
        }
        s = DEFAULT.get();
        if (s != null && !s.isShutdown()) {
            return s;
        }
        synchronized (DEFAULT) {
            s = DEFAULT.get();
            if (s == null || s.isShutdown()) {
                s = Scheduler.start(SchedulerConfig.builder().build());
                DEFAULT.set(s);
            }
            return s;
        }
    }

    /**
     * A channel that receives the current time once, after {@code d} (Go's {@code time.After}); a zero or negative
     * {@code d} fires at once. Use it as a select case for a timeout. Every timer runs on one shared daemon thread,
     * not a thread per call.
     */
    public static Chan<Instant> after(Duration d) {
        return Timers.after(Objects.requireNonNull(d, "duration"));
    }

    /**
     * A channel that receives the current time every {@code d} (Go's {@code time.Tick}). It holds one tick: a receiver
     * that falls behind misses ticks rather than queueing them. The ticker stops once the channel is unreachable.
     *
     * @throws IllegalArgumentException if {@code d} is not positive
     */
    public static Chan<Instant> tick(Duration d) {
        return Timers.tick(Objects.requireNonNull(d, "duration"));
    }
}
