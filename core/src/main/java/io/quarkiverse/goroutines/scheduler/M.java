package io.quarkiverse.goroutines.scheduler;

/**
 * A machine: one OS thread that runs Gs while it holds a P.
 * <p>
 * Fields written only by the M's own thread: {@link #p}, {@link #curg}, {@link #spinning} (but see
 * {@link Scheduler#wakep}). {@link #nextp} is written by whoever wakes the M, before {@link Note#wakeup()}, and read
 * by the M after its sleep returns. An M is idle exactly when it is on the scheduler's idle-M list, parked on
 * {@link #park}.
 */
final class M {
    final long id;
    final Scheduler sched;
    volatile Thread thread;
    /** The kernel's id of {@link #thread}, or -1 where unknown; written by the M's thread when it starts. */
    volatile long tid = -1;
    final Note park = new Note();

    /** The P this M owns, or null. */
    volatile P p;
    /** The P this M gave up when its G entered a syscall; its fast way back. */
    volatile P oldp;
    /** The P handed to this M by whoever woke it. */
    volatile P nextp;
    /** The G this M runs, or null between Gs. */
    volatile G curg;
    /** Looking for work while holding a P (counted in {@code nmspinning}). */
    volatile boolean spinning;
    /** Set when the M must leave its loop (shutdown, or a failed start). */
    volatile boolean exit;

    M(long id, Scheduler sched) {
        this.id = id;
        this.sched = sched;
    }

    @Override
    public String toString() {
        return "M" + id;
    }
}
