package io.quarkiverse.goroutines.runtime;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.quarkiverse.goroutines.scheduler.Scheduler;

/**
 * Lets a shedding scheduler find out that the load is gone.
 * <p>
 * The scheduler decides whether to shed when an M takes a G off a run queue. While it sheds, no request is admitted,
 * so once the admitted Gs have run and their Ms parked nothing may be taken any more, and the scheduler would refuse
 * every request for ever. A refused request and a readiness check each send one empty G ({@link Scheduler#go}, never
 * refused) through the run queues, at most one at a time: it waits behind whatever is queued, so its queueing delay
 * ends the shedding only when the queues are short again.
 */
final class AdmissionProbe {

    /** Whether a probe G is queued or running; set by the caller that sends it, cleared by the G. */
    private static final AtomicBoolean QUEUED = new AtomicBoolean();

    private AdmissionProbe() {
    }

    /** Sends a probe G if {@code scheduler} sheds and no probe is on its way. Never blocks. */
    static void send(Scheduler scheduler) {
        if (!scheduler.shedding() || !QUEUED.compareAndSet(false, true)) {
            return;
        }
        try {
            scheduler.go(() -> QUEUED.set(false));
        } catch (RejectedExecutionException shutDown) {
            QUEUED.set(false);
        }
    }
}
