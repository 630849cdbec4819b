package io.quarkiverse.goroutines.scheduler;

import java.util.ArrayDeque;
import java.util.Collection;

/** The scheduler-wide list of dead Gs (Go's {@code sched.gFree}); Ps spill into it and refill from it. */
final class GFreeList {
    private final ArrayDeque<G> list = new ArrayDeque<>();
    private volatile int size;

    synchronized G get() {
        G g = list.poll();
        size = list.size();
        return g;
    }

    synchronized void put(G g) {
        list.push(g);
        size = list.size();
    }

    synchronized void putAll(Collection<G> gs) {
        list.addAll(gs);
        size = list.size();
    }

    /** Moves Gs from a P's list until {@code keep} remain there. */
    synchronized void spill(ArrayDeque<G> local, int keep) {
        while (local.size() > keep) {
            list.push(local.pop());
        }
        size = list.size();
    }

    /** Moves up to {@code n} Gs into a P's empty list. */
    void refill(ArrayDeque<G> local, int n) {
        if (size == 0) {
            return;
        }
        synchronized (this) {
            for (int i = 0; i < n && !list.isEmpty(); i++) {
                local.push(list.pop());
            }
            size = list.size();
        }
    }
}
