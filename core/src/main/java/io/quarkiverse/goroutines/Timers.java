package io.quarkiverse.goroutines;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The timers behind {@link Go#after} and {@link Go#tick}: one shared {@link ScheduledThreadPoolExecutor} with a
 * single daemon thread, {@code goroutines-timer}, made on first use (Go keeps timers in per-P heaps run by the
 * scheduler; here one heap serves every scheduler). A timer's task only does a non-blocking {@link Chan#trySend} on
 * a channel with room for one value, so the timer thread never blocks.
 */
final class Timers {
    private Timers() {
    }

    private static final class Holder {
        static final ScheduledThreadPoolExecutor TIMER = create();

        private static ScheduledThreadPoolExecutor create() {
            ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "goroutines-timer");
                t.setDaemon(true);
                return t;
            });
            e.setRemoveOnCancelPolicy(true);
            return e;
        }
    }

    /** Runs {@code task} on the timer thread after {@code nanos}; it must be quick and must not block. */
    static ScheduledFuture<?> schedule(Runnable task, long nanos) {
        return Holder.TIMER.schedule(task, Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    static Chan<Instant> after(Duration d) {
        Chan<Instant> c = Chan.make(1);
        Holder.TIMER.schedule(() -> {
            c.trySend(Instant.now());
        }, Math.max(0, d.toNanos()), TimeUnit.NANOSECONDS);
        return c;
    }

    static Chan<Instant> tick(Duration d) {
        long period = d.toNanos();
        if (period <= 0) {
            throw new IllegalArgumentException("tick period " + d + " is out of range: must be positive");
        }
        Chan<Instant> c = Chan.make(1);
        // The task holds the channel weakly: once nobody references the channel, the ticker stops (as Go's
        // time.Tick since Go 1.23). A periodic task that throws is not run again.
        WeakReference<Chan<Instant>> ref = new WeakReference<>(c);
        Holder.TIMER.scheduleAtFixedRate(() -> {
            Chan<Instant> ch = ref.get();
            if (ch == null) {
                throw new CancellationException("ticker channel unreachable");
            }
            ch.trySend(Instant.now()); // a slow receiver misses ticks, as in Go
        }, period, period, TimeUnit.NANOSECONDS);
        return c;
    }
}
