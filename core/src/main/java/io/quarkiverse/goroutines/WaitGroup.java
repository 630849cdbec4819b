package io.quarkiverse.goroutines;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Go's {@code sync.WaitGroup}: waits for a collection of goroutines to finish.
 *
 * <pre>{@code
 * WaitGroup wg = new WaitGroup();
 * for (String url : urls) {
 *     wg.go(() -> fetch(url)); // add(1), then Go.go(...) that calls done() at the end
 * }
 * wg.await();
 * }</pre>
 *
 * <ul>
 * <li>{@link #add} changes the counter; {@link #done} is {@code add(-1)}; {@link #await} blocks until the counter is
 * zero (returns at once if it is). When the counter reaches zero every waiting thread is released.</li>
 * <li>A counter that would go below zero throws {@link IllegalStateException} and is left unchanged.</li>
 * <li>Reuse: once the counter has reached zero the group may be used again; the waiters released at that moment
 * belong to the old round and are not held by a later {@code add}. As in Go, an {@code add} that starts a new round
 * should happen before the {@code await}s of that round.</li>
 * <li>Blocking, interrupts and cancellation as for {@link Chan}: a goroutine that waits gives its P away; an
 * interrupted wait withdraws, sets the interrupt status again and throws
 * {@link java.util.concurrent.CancellationException}, as does the wait of a goroutine whose {@link Group} is
 * cancelled.</li>
 * </ul>
 */
public final class WaitGroup {
    private final ReentrantLock lock = new ReentrantLock();
    /** Under the lock. */
    private long counter;
    /** Threads waiting for the counter to reach zero; non-empty only while it is above zero. Under the lock. */
    private final List<Parking> waiters = new ArrayList<>();

    /**
     * Adds {@code delta} (may be negative) to the counter.
     *
     * @throws IllegalStateException if the counter would go below zero
     */
    public void add(int delta) {
        List<Parking> released;
        lock.lock();
        try {
            long v = counter + delta;
            if (v < 0) {
                throw new IllegalStateException("negative WaitGroup counter: " + counter + " + " + delta + " = " + v);
            }
            counter = v;
            if (v > 0 || waiters.isEmpty()) {
                return;
            }
            released = new ArrayList<>(waiters.size());
            for (Parking p : waiters) {
                if (p.claim()) { // else it gave up (interrupt) and is leaving
                    released.add(p);
                }
            }
            waiters.clear();
        } finally {
            lock.unlock();
        }
        for (Parking p : released) {
            p.fire(null);
        }
    }

    /** Counts one goroutine as finished: {@code add(-1)}. */
    public void done() {
        add(-1);
    }

    /** Adds one to the counter and starts {@code task} as a goroutine that calls {@link #done()} when it ends. */
    public void go(Runnable task) {
        add(1);
        try {
            Go.go(() -> {
                try {
                    task.run();
                } finally {
                    done();
                }
            });
        } catch (RuntimeException e) {
            done(); // not started (e.g. rejected): it will never call done
            throw e;
        }
    }

    /** Blocks until the counter is zero. */
    public void await() {
        Parking p;
        lock.lock();
        try {
            if (counter == 0) {
                return;
            }
            p = new Parking();
            waiters.add(p);
        } finally {
            lock.unlock();
        }
        int outcome = p.await(false, 0);
        if (outcome != Parking.FIRED) {
            lock.lock();
            try {
                waiters.remove(p);
            } finally {
                lock.unlock();
            }
            throw p.gaveUp(outcome, "WaitGroup.await");
        }
    }

    /**
     * Blocks until the counter is zero, whatever happens: neither an interrupt nor the caller's group's cancellation
     * ends the wait (an interrupt is kept for later). For {@link Group}, which must not end before its goroutines.
     */
    void awaitUncancellable() {
        boolean interrupted = false;
        while (true) {
            Parking p;
            lock.lock();
            try {
                if (counter == 0) {
                    break;
                }
                p = new Parking();
                waiters.add(p);
            } finally {
                lock.unlock();
            }
            if (p.await(false, 0, null) == Parking.FIRED) {
                break;
            }
            interrupted = true; // the only other outcome without a group; the status was cleared: wait again
            lock.lock();
            try {
                waiters.remove(p);
            } finally {
                lock.unlock();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The current counter (for diagnostics). */
    public long count() {
        lock.lock();
        try {
            return counter;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "WaitGroup[count=" + count() + "]";
    }
}
