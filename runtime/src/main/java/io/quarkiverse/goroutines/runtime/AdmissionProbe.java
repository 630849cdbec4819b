package io.quarkiverse.goroutines.runtime;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.quarkiverse.goroutines.scheduler.Scheduler;

/**
 * Lets a shedding scheduler find out that the load is gone.
 * <p>
 * The scheduler decides whether to shed when an M takes a G off a run queue. While it sheds, no request is admitted,
 * so once the admitted Gs have run and their Ms parked nothing may be taken any more, and the scheduler would refuse
 * every request for ever. A refused request and a readiness check therefore send an empty G ({@link Scheduler#go},
 * never refused) through the run queues: it waits behind whatever is queued, so its queueing delay ends the shedding
 * only when the queues are short again. At most one probe is sent per {@link #GAP_NANOS}, whatever the number of
 * refusals: a handful of empty Gs a second while shedding, and no state that a lost probe could leave stuck.
 */
final class AdmissionProbe {

    static final long GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** When the last probe was sent ({@code System.nanoTime()}); written by whichever caller wins the CAS. */
    private static final AtomicLong LAST_SENT = new AtomicLong(System.nanoTime() - GAP_NANOS);

    private AdmissionProbe() {
    }

    /** Sends a probe G if {@code scheduler} sheds and none was sent in the last {@link #GAP_NANOS}. Never blocks. */
    static void send(Scheduler scheduler) {
        if (!scheduler.shedding()) {
            return;
        }
        long now = System.nanoTime();
        long last = LAST_SENT.get();
        if (now - last < GAP_NANOS || !LAST_SENT.compareAndSet(last, now)) {
            return;
        }
        try {
            scheduler.go(() -> {
            });
        } catch (RejectedExecutionException shutDown) {
            // the scheduler stopped: nothing to probe
        }
    }
}
