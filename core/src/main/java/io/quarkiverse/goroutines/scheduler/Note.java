package io.quarkiverse.goroutines.scheduler;

import java.util.concurrent.locks.LockSupport;

/**
 * A one-shot wake-up for one sleeping thread (Go's {@code note}: {@code notesleep}, {@code notewakeup},
 * {@code noteclear}). A wake-up that comes before the sleep is not lost.
 */
final class Note {
    private volatile boolean set;
    private volatile Thread waiter;

    /** Parks the calling thread until {@link #wakeup()} has been called since the last {@link #clear()}. */
    void sleep() {
        waiter = Thread.currentThread();
        boolean interrupted = false;
        while (!set) {
            LockSupport.park(this);
            // An interrupt meant for the G must not turn this wait into a spin: keep it for later.
            interrupted |= Thread.interrupted();
        }
        waiter = null;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Parks for at most {@code nanos}.
     *
     * @return whether the note was woken
     */
    boolean sleep(long nanos) {
        long deadline = System.nanoTime() + nanos;
        waiter = Thread.currentThread();
        boolean interrupted = false;
        try {
            while (!set) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                LockSupport.parkNanos(this, left);
                interrupted |= Thread.interrupted();
            }
            return true;
        } finally {
            waiter = null;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    void wakeup() {
        set = true;
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    void clear() {
        set = false;
    }
}
