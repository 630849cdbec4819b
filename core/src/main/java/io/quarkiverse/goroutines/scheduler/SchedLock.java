package io.quarkiverse.goroutines.scheduler;

import java.util.concurrent.locks.ReentrantLock;

/**
 * A lock for the scheduler's own short critical sections that a virtual G's thread never waits for in the queue.
 * <p>
 * A virtual thread that blocks on a lock unmounts and joins the lock's queue; when the lock is released only the
 * first waiter is woken, and a virtual thread can only wake up by being run by an M. If the Ms themselves wait behind
 * it in the same queue, nothing runs again: a deadlock. So a virtual G's thread spins on {@link #tryLock()} (the
 * sections are a few dozen instructions, and no holder ever parks inside one), while platform threads — Ms, sysmon,
 * submitters — queue as usual.
 */
final class SchedLock extends ReentrantLock {
    private static final long serialVersionUID = 1L;

    @Override
    public void lock() {
        if (Scheduler.CURRENT_VG.get() == null) {
            super.lock();
            return;
        }
        while (!tryLock()) {
            Thread.onSpinWait();
        }
    }
}
