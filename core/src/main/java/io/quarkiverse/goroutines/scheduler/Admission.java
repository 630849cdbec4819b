package io.quarkiverse.goroutines.scheduler;

import java.time.Duration;

/**
 * Admission by queueing delay (after CoDel, "Controlling Queue Delay", Nichols and Jacobson, 2012): when the Gs taken
 * off run queues have waited longer than {@code target} for a P, without a break, for {@code interval}, the scheduler
 * is overloaded and sheds new work ({@code execute} refuses it) until a G is again taken within the target, or the
 * queues drain. Unlike a bound on the queue's length this bounds what an operator cares about, the time a request
 * waits, whatever each request costs.
 *
 * <h2>Implementation notes</h2>
 * {@link #dequeued} runs on every M for every G it takes, so it only reads two volatile fields unless the state
 * changes. Ms race on the writes; any interleaving leaves a state that some M's observation justified, and the next
 * observation corrects it. The queueing delay of a G is measured from {@code G.queuedNanos}, set when it last entered
 * a run queue (spawned, readied, or back from a call without a P).
 */
final class Admission {
    private final boolean enabled;
    private final long target;
    private final long interval;
    private final SchedStats stats;
    /** When the delay first went above the target plus the interval, or 0 while it is below; any M writes it. */
    private volatile long firstAboveTime;
    /** Whether new work is refused; any M writes it. */
    private volatile boolean shedding;

    Admission(SchedulerConfig config, SchedStats stats) {
        this.enabled = config.admission();
        this.target = config.admissionTarget().toNanos();
        this.interval = config.admissionInterval().toNanos();
        this.stats = stats;
    }

    /** An M took a G that waited {@code delay} in a queue. */
    void dequeued(long delay, long now) {
        if (!enabled) {
            return;
        }
        if (delay < target) {
            if (firstAboveTime != 0) {
                firstAboveTime = 0;
            }
            if (shedding) {
                shedding = false;
            }
            return;
        }
        long first = firstAboveTime;
        if (first == 0) {
            firstAboveTime = now + interval;
        } else if (!shedding && now >= first) {
            shedding = true;
            stats.sheddingEpisodes.incrementAndGet();
        }
    }

    /**
     * An M going idle found every queue empty: whatever the delay was, it is over. (An M whose G ended after losing
     * its P parks without looking; the runtime's admission probe, a G started while shedding, measures the delay
     * again then.)
     */
    void drained() {
        if (firstAboveTime != 0) {
            firstAboveTime = 0;
        }
        if (shedding) {
            shedding = false;
        }
    }

    boolean shedding() {
        return shedding;
    }

    /** What a refused client is told to wait before it tries again: the interval, at least a second. */
    Duration retryAfter() {
        return Duration.ofNanos(Math.max(interval, 1_000_000_000L));
    }
}
