package io.quarkiverse.goroutines;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
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
     * Starts a {@link Group}: goroutines that fail and are cancelled together. Made by a goroutine of another group,
     * it is that group's child.
     */
    public static <T> Group<T> group() {
        return new Group<>(null);
    }

    /**
     * Starts a {@link Group} that is cancelled, with its goroutines and child groups, once {@code timeout} has passed
     * (Go's {@code context.WithTimeout}).
     */
    public static <T> Group<T> group(Duration timeout) {
        return new Group<>(Objects.requireNonNull(timeout, "timeout"));
    }

    /**
     * Whether the calling goroutine's {@link Group} has been cancelled (Go's {@code ctx.Err() != nil}); false outside
     * any group. For CPU loops, which no blocking point interrupts.
     */
    public static boolean cancelled() {
        Group<?> g = Group.current();
        return g != null && g.isCancelled();
    }

    /**
     * Throws {@link CancellationException} if the calling goroutine's {@link Group} has been cancelled.
     *
     * @throws CancellationException with the cancellation's reason
     */
    public static void checkCancelled() {
        Group<?> g = Group.current();
        if (g != null && g.isCancelled()) {
            throw g.cancelled();
        }
    }

    /**
     * Sleeps for {@code d} with the calling G's P released (Go's {@code time.Sleep}). Unlike {@link Thread#sleep}, the
     * sleep ends early with a {@link CancellationException} when the goroutine's {@link Group} is cancelled, or the
     * thread is interrupted (then the interrupt status is set again).
     */
    public static void sleep(Duration d) {
        long nanos = Objects.requireNonNull(d, "duration").toNanos();
        if (nanos <= 0) {
            return;
        }
        Parking p = new Parking();
        int outcome = p.await(true, System.nanoTime() + nanos);
        if (outcome != Parking.TIMED_OUT) {
            throw p.gaveUp(outcome, "Go.sleep");
        }
    }

    /**
     * Runs a blocking call with the current G's P released, so that other goroutines keep running (Go's
     * {@code entersyscall}/{@code exitsyscall}). Outside a goroutine it just runs the call. If the goroutine's
     * {@link Group} was cancelled by the time the call returns, its result is dropped and a
     * {@link CancellationException} is thrown (the call itself is not interrupted).
     */
    public static <T> T syscall(Callable<T> call) throws Exception {
        Scheduler s = Scheduler.current();
        T result = s == null ? call.call() : s.syscall(call);
        Group<?> g = Group.current();
        if (g != null && g.isCancelled()) {
            throw g.cancelledWhile("Go.syscall");
        }
        return result;
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
