package io.quarkiverse.goroutines.scheduler;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * A P's local run queue: a lock-free ring of {@value #SIZE} Gs plus a {@code runnext} slot (Go's {@code runq},
 * {@code runqhead}, {@code runqtail}, {@code runnext}).
 *
 * <h2>Implementation notes</h2>
 * One producer, many consumers. Only the owner of the P ({@code put}, {@code steal} into its own ring) writes
 * {@code tail}; it publishes a slot by writing the slot, then {@code tail} with release semantics. Every consumer,
 * the owner included, claims slots by CASing {@code head} forward, after reading the slots it claims; a consumer that
 * loses the CAS discards what it read. So:
 * <ul>
 * <li>{@code head <= tail} and {@code tail - head <= SIZE}, as read by the owner;</li>
 * <li>a slot between {@code head} and {@code tail} is written once, before {@code tail} covers it, and not again
 * until {@code head} has moved past it;</li>
 * <li>a G is taken by exactly one consumer: the one whose CAS moved {@code head} over its slot, or whose CAS emptied
 * {@code runnext}.</li>
 * </ul>
 * Ownership moves between Ms only through the P's status (a volatile write or CAS), which orders one owner's writes
 * of {@code tail} before the next owner's reads.
 * <p>
 * One relaxation, shared with Go: {@code put(g, next=true)} swaps {@code g} into {@code runnext} before it appends
 * the displaced G to the ring, so a thief in its last round can find the ring empty and take the new {@code g}
 * instead of the older G. No G is lost or taken twice (checked by the stress and Lincheck tests); only which G is
 * stolen differs from a sequential run. Consumed slots are not cleared: a consumer may not write a slot after its
 * CAS (the owner may already reuse it), and the Gs they point to are recycled objects anyway.
 */
final class RunQueue {
    static final int SIZE = 256;
    private static final int MASK = SIZE - 1;

    private final AtomicReferenceArray<G> ring = new AtomicReferenceArray<>(SIZE);
    /** Next slot to consume; CASed by every consumer. */
    private volatile int head;
    /** Next slot to fill; written by the owner only. */
    private volatile int tail;
    private static final java.lang.invoke.VarHandle HEAD;

    static {
        try {
            HEAD = java.lang.invoke.MethodHandles.lookup().findVarHandle(RunQueue.class, "head", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A G that runs next, ahead of the ring; taken by the owner, or by a thief in its last round. */
    final AtomicReference<G> runnext = new AtomicReference<>();

    /** Result of {@link #get()}: the G and whether it inherits the current time slice. */
    record Next(G g, boolean inheritTime) {
    }

    private boolean casHead(int expect, int update) {
        return HEAD.compareAndSet(this, expect, update);
    }

    /**
     * Go's {@code runqput}. Owner only. With {@code next}, {@code g} goes into {@code runnext} and the G it displaces
     * goes to the tail. When the ring is full, half of it and the new G go to {@code overflow} in one batch (Go's
     * {@code runqputslow}).
     */
    void put(G g, boolean next, Consumer<List<G>> overflow) {
        if (next) {
            G old;
            do {
                old = runnext.get();
            } while (!runnext.compareAndSet(old, g));
            if (old == null) {
                return;
            }
            g = old;
        }
        while (true) {
            int h = head; // acquire: synchronise with consumers
            int t = tail;
            if (t - h < SIZE) {
                ring.lazySet(t & MASK, g);
                tail = t + 1; // release: publish the slot
                return;
            }
            if (putSlow(g, h, t, overflow)) {
                return;
            }
            // the queue is not full any more: consumers took some, retry the fast path
        }
    }

    /** Moves half the ring plus {@code g} to the global queue; false if a consumer raced us. */
    private boolean putSlow(G g, int h, int t, Consumer<List<G>> overflow) {
        int n = (t - h) / 2;
        if (n != SIZE / 2) {
            throw new IllegalStateException("runqputslow: queue is not full");
        }
        G[] batch = new G[n + 1];
        for (int i = 0; i < n; i++) {
            batch[i] = ring.get((h + i) & MASK);
        }
        if (!casHead(h, h + n)) {
            return false;
        }
        batch[n] = g;
        overflow.accept(List.of(batch));
        return true;
    }

    /**
     * Go's {@code runqget}. Owner only. {@code runnext} first: that G inherits the time slice, so a pair of Gs
     * that ready each other share one slice instead of starving the queue.
     */
    Next get() {
        G next = runnext.get();
        if (next != null && runnext.compareAndSet(next, null)) {
            return new Next(next, true);
        }
        while (true) {
            int h = head;
            int t = tail;
            if (t == h) {
                return null;
            }
            G g = ring.get(h & MASK);
            if (casHead(h, h + 1)) {
                return new Next(g, false);
            }
        }
    }

    /**
     * Go's {@code runqgrab}: claims half (rounded up) of this queue's Gs into {@code batch} starting at
     * {@code batchHead}. Called by a thief. Takes {@code runnext} only when the ring is empty and
     * {@code stealRunNext} is set.
     *
     * @return how many Gs were claimed
     */
    int grab(AtomicReferenceArray<G> batch, int batchHead, boolean stealRunNext, boolean victimRunning) {
        while (true) {
            int h = head;
            int t = tail;
            int n = t - h;
            n = n - n / 2;
            if (n == 0) {
                if (stealRunNext) {
                    G next = runnext.get();
                    if (next != null) {
                        if (victimRunning) {
                            // The victim's M may be about to run it; give it ~3 µs so that a G just readied is
                            // not stolen back and forth (Go sleeps 3 µs here).
                            long until = System.nanoTime() + 3_000;
                            while (System.nanoTime() < until) {
                                Thread.onSpinWait();
                            }
                        }
                        if (runnext.compareAndSet(next, null)) {
                            batch.lazySet(batchHead & MASK, next);
                            return 1;
                        }
                        continue;
                    }
                }
                return 0;
            }
            if (n > SIZE / 2) {
                continue; // h and t read inconsistently; retry
            }
            for (int i = 0; i < n; i++) {
                batch.lazySet((batchHead + i) & MASK, ring.get((h + i) & MASK));
            }
            if (casHead(h, h + n)) {
                return n;
            }
        }
    }

    /**
     * Go's {@code runqsteal}: steals half of {@code victim}'s Gs into this queue (owner only) and returns one of
     * them to run, or {@code null}. Precondition, as in Go: this queue is empty (the thief looked at its own queue
     * first), so the at most 128 stolen Gs always fit.
     */
    G steal(RunQueue victim, boolean stealRunNext, boolean victimRunning) {
        int t = tail;
        int n = victim.grab(ring, t, stealRunNext, victimRunning);
        if (n == 0) {
            return null;
        }
        n--;
        G g = ring.get((t + n) & MASK);
        if (n == 0) {
            return g;
        }
        int h = head;
        if (t - h + n >= SIZE) {
            throw new IllegalStateException("runqsteal: runq overflow");
        }
        tail = t + n; // release: publish the stolen Gs
        return g;
    }

    /** Go's {@code runqempty}: a consistent check of head, tail and runnext. */
    boolean isEmpty() {
        while (true) {
            int h = head;
            int t = tail;
            G next = runnext.get();
            if (tail == t) {
                return h == t && next == null;
            }
        }
    }

    /**
     * When the longest-waiting G here entered a run queue ({@code G.queuedNanos}): the older of the ring's head and
     * {@code runnext}, or {@code none} when both are empty. A heuristic for the owner's fairness rule: a thief may
     * take those Gs meanwhile, and then the time read is that of a G no longer here.
     */
    long headQueued(long none) {
        long oldest = none;
        G next = runnext.get();
        if (next != null) {
            oldest = next.queuedNanos;
        }
        int h = head;
        if (tail != h) {
            G g = ring.get(h & MASK);
            if (g != null && g.queuedNanos - oldest < 0) {
                oldest = g.queuedNanos;
            }
        }
        return oldest;
    }

    /** Approximate number of queued Gs, {@code runnext} included; for traces and heuristics. */
    int size() {
        int n = tail - head;
        if (n < 0) {
            n = 0;
        }
        if (n > SIZE) {
            n = SIZE;
        }
        return n + (runnext.get() != null ? 1 : 0);
    }

    /** Takes every G, {@code runnext} first; owner or stop-the-world only. */
    void drainTo(List<G> out) {
        G next = runnext.getAndSet(null);
        if (next != null) {
            out.add(next);
        }
        Next n;
        while ((n = get()) != null) {
            out.add(n.g());
        }
    }
}
