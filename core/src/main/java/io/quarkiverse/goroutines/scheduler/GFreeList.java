package io.quarkiverse.goroutines.scheduler;

import java.util.ArrayDeque;
import java.util.Collection;

/** The scheduler-wide list of dead Gs (Go's {@code sched.gFree}); Ps spill into it and refill from it. */
final class GFreeList {
    private final ArrayDeque<G> list = new ArrayDeque<>();
    private volatile int size;
    /** Guards {@link #list}; see {@link SchedLock} for why it is not a monitor. */
    private final SchedLock lock = new SchedLock();

    G get() {
        lock.lock();
        try {
            G g = list.poll();
            size = list.size();
            return g;
        } finally {
            lock.unlock();
        }
    }

    void put(G g) {
        lock.lock();
        try {
            list.push(g);
            size = list.size();
        } finally {
            lock.unlock();
        }
    }

    void putAll(Collection<G> gs) {
        lock.lock();
        try {
            list.addAll(gs);
            size = list.size();
        } finally {
            lock.unlock();
        }
    }

    /** Moves Gs from a P's list until {@code keep} remain there. */
    void spill(ArrayDeque<G> local, int keep) {
        lock.lock();
        try {
            while (local.size() > keep) {
                list.push(local.pop());
            }
            size = list.size();
        } finally {
            lock.unlock();
        }
    }

    /** Moves up to {@code n} Gs into a P's empty list. */
    void refill(ArrayDeque<G> local, int n) {
        if (size == 0) {
            return;
        }
        lock.lock();
        try {
            for (int i = 0; i < n && !list.isEmpty(); i++) {
                local.push(list.pop());
            }
            size = list.size();
        } finally {
            lock.unlock();
        }
    }
}
