package io.quarkiverse.goroutines.scheduler;

import java.util.concurrent.locks.ReentrantLock;

/**
 * A lock for the scheduler's own short critical sections (Go's runtime {@code mutex}).
 *
 * <h2>Spin, yield, then sleep</h2>
 * No holder parks or runs user code inside a section, and the sections are a few dozen instructions, so a waiter
 * first spins: {@value #ACTIVE_SPIN} rounds of {@value #ACTIVE_SPIN_CNT} spin-wait hints, then one yield of the core,
 * and only then queues and parks, as Go's {@code lock2} does. A queued waiter costs a park, an unpark and two context
 * switches, several microseconds each, which made the lock the main cost of a fan-out of small Gs (every overflow of
 * a local run queue and every exchange of dead Gs with the global free list parked an M).
 *
 * <h2>Virtual threads never queue</h2>
 * A virtual thread that blocks on a lock unmounts and joins the lock's queue; when the lock is released only the
 * first waiter is woken, and a virtual thread can only wake up by being run by an M. If the Ms themselves wait behind
 * it in the same queue, nothing runs again: a deadlock. So a virtual G's thread spins on {@link #tryLock()} for as
 * long as it takes, while platform threads (Ms, sysmon, submitters) queue once their spin is over.
 */
final class SchedLock extends ReentrantLock {
    private static final long serialVersionUID = 1L;
    /** Rounds of active spinning before the yield (Go's {@code active_spin}). */
    static final int ACTIVE_SPIN = 4;
    /** Spin-wait hints per round (Go's {@code active_spin_cnt}). */
    static final int ACTIVE_SPIN_CNT = 30;

    @Override
    public void lock() {
        if (tryLock()) {
            return;
        }
        if (Scheduler.CURRENT_VG.get() != null) {
            while (!tryLock()) {
                Thread.onSpinWait();
            }
            return;
        }
        for (int round = 0; round < ACTIVE_SPIN; round++) {
            for (int i = 0; i < ACTIVE_SPIN_CNT; i++) {
                Thread.onSpinWait();
            }
            if (!isLocked() && tryLock()) {
                return;
            }
        }
        Thread.yield();
        if (tryLock()) {
            return;
        }
        super.lock();
    }
}
