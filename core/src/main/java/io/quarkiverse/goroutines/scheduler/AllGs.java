package io.quarkiverse.goroutines.scheduler;

import java.util.Arrays;

/**
 * Every G ever allocated (Go's {@code allgs}); Gs are recycled, so this grows to the peak number of live Gs. Read
 * without a lock by traces and snapshots.
 */
final class AllGs {
    private volatile G[] gs = new G[64];
    private volatile int count;
    /** Serialises {@link #add}; see {@link SchedLock} for why it is not a monitor. */
    private final SchedLock lock = new SchedLock();

    G add() {
        G g = new G();
        g.setStatus(GStatus.DEAD);
        lock.lock();
        try {
            if (count == gs.length) {
                gs = Arrays.copyOf(gs, count * 2);
            }
            gs[count] = g;
            count = count + 1;
        } finally {
            lock.unlock();
        }
        return g;
    }

    G[] snapshot() {
        int n = count;
        return Arrays.copyOf(gs, n);
    }
}
