package io.quarkiverse.goroutines.scheduler;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One P's timers (Go's {@code timers}): a binary min-heap on {@link Timer#when}, guarded by its own lock.
 * <p>
 * Invariants:
 * <ul>
 * <li>{@link #next} is the {@code when} of the heap's root, or {@link Long#MAX_VALUE} when the heap is empty; it is
 * written under the lock after every change, so a reader without the lock may see a stale value but never one later
 * than a timer that was in the heap before the reader's last lock-free look at the heap's owner.</li>
 * <li>Every timer in the heap has {@code heap == this}; a cancelled one stays until it is popped or
 * {@link #compactLocked} drops it. {@link #zombies} counts them, loosely (a hint for compaction, never for
 * correctness).</li>
 * <li>Once {@link #closed}, the heap takes no timers: its scheduler has terminated and its timers went to the
 * fallback ({@link Timers#orphan}).</li>
 * </ul>
 * Any thread may add or run timers; the lock is never held while a timer's task runs.
 */
final class TimerHeap {
    /** Compaction pays off only past this size, and when more than a quarter of the heap is cancelled. */
    private static final int COMPACT_MIN = 64;

    private final ReentrantLock lock = new ReentrantLock();
    private Timer[] heap = new Timer[16];
    private int size;
    private boolean closed;
    /** When the earliest timer is due; {@link Long#MAX_VALUE} when there is none. */
    volatile long next = Long.MAX_VALUE;
    private final AtomicInteger zombies = new AtomicInteger();

    /** Adds {@code t}; false if the heap is closed (the caller hands it to the fallback). */
    boolean add(Timer t) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            if (zombies.get() > size / 4 && size >= COMPACT_MIN) {
                compactLocked();
            }
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
            }
            t.heap = this;
            siftUp(size++, t);
            next = heap[0].when;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes and returns the earliest timer if it is due at {@code now} (cancelled ones are dropped on the way), or
     * null.
     */
    Timer popDue(long now) {
        if (next - now > 0) {
            return null;
        }
        lock.lock();
        try {
            while (size > 0) {
                Timer t = heap[0];
                if (t.state() == Timer.WAITING && t.when - now > 0) {
                    return null;
                }
                removeRootLocked();
                if (t.state() == Timer.WAITING) {
                    return t;
                }
                zombies.decrementAndGet();
            }
            return null;
        } finally {
            next = size == 0 ? Long.MAX_VALUE : heap[0].when;
            lock.unlock();
        }
    }

    /** Moves every waiting timer into {@code out} and empties the heap; with {@code close}, takes no more after. */
    void drainTo(List<Timer> out, boolean close) {
        lock.lock();
        try {
            for (int i = 0; i < size; i++) {
                if (heap[i].state() == Timer.WAITING) {
                    out.add(heap[i]);
                }
                heap[i] = null;
            }
            size = 0;
            zombies.set(0);
            closed |= close;
            next = Long.MAX_VALUE;
        } finally {
            lock.unlock();
        }
    }

    /** A timer of this heap was cancelled. */
    void zombie() {
        zombies.incrementAndGet();
    }

    int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    int zombies() {
        return zombies.get();
    }

    /** Drops the cancelled timers and rebuilds the heap. The lock must be held. */
    private void compactLocked() {
        int n = 0;
        for (int i = 0; i < size; i++) {
            Timer t = heap[i];
            if (t.state() == Timer.WAITING) {
                heap[n++] = t;
            }
        }
        Arrays.fill(heap, n, size, null);
        size = n;
        zombies.set(0);
        for (int i = (n >>> 1) - 1; i >= 0; i--) {
            siftDown(i, heap[i]);
        }
    }

    private void removeRootLocked() {
        Timer last = heap[--size];
        heap[size] = null;
        if (size > 0) {
            siftDown(0, last);
        }
    }

    private void siftUp(int k, Timer t) {
        while (k > 0) {
            int parent = (k - 1) >>> 1;
            Timer p = heap[parent];
            if (t.when - p.when >= 0) {
                break;
            }
            heap[k] = p;
            k = parent;
        }
        heap[k] = t;
    }

    private void siftDown(int k, Timer t) {
        int half = size >>> 1;
        while (k < half) {
            int child = 2 * k + 1;
            Timer c = heap[child];
            int right = child + 1;
            if (right < size && heap[right].when - c.when < 0) {
                c = heap[child = right];
            }
            if (t.when - c.when <= 0) {
                break;
            }
            heap[k] = c;
            k = child;
        }
        heap[k] = t;
    }
}
