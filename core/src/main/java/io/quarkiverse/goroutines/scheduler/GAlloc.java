package io.quarkiverse.goroutines.scheduler;

import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Making Gs and placing new ones (Go's {@code newproc}, {@code gfget}, {@code gfput}, the goid cache, and
 * {@code runqput} for the caller's P).
 *
 * <h2>Invariants</h2>
 * <ul>
 * <li>{@link #ngoroutines} counts Gs made and not yet dead, and is incremented before the run state is read, so that
 * shutdown (which sets the state, then reads the count) either waits for a G or sees it refused. It is a
 * {@link LongAdder}, not one atomic word that every spawn and exit on every P would fight over. Its sum is not a
 * snapshot, but after SHUTDOWN only refused spawns still add to it (and take it back at once), so a sum of 0 read
 * after the state is SHUTDOWN means that no admitted G is left.</li>
 * <li>{@link #nrunnable} counts Gs in a run queue (or about to be put in one); it bounds admission
 * ({@code max-runnable}) for work submitted with {@code execute}, summed at most once per few spawns of each M
 * ({@link #overMaxRunnable}). Spawns with {@code go} are never refused for it,
 * as Go's {@code go} statement never fails.</li>
 * <li>A P's free list and goid cache are touched only by the M that owns the P (or by {@code procresize} with the
 * world stopped).</li>
 * </ul>
 */
final class GAlloc {
    /** Ids taken at a time by a P (Go's {@code _GoidCacheBatch}). */
    static final int GOID_BATCH = 16;
    /** Bounded spawns an M may make between two sums of {@link #nrunnable}: see {@link #overMaxRunnable}. */
    static final int RUNNABLE_BUDGET_MAX = 32;

    private final Scheduler s;
    private final Sched sched;
    final GFreeList gFree = new GFreeList();
    final AllGs allgs = new AllGs();
    private final AtomicLong goidgen = new AtomicLong();
    /** Gs in a run queue, or about to be; bounds {@code execute}. Summed only by bounded spawns. */
    final LongAdder nrunnable = new LongAdder();
    /** Gs made and not yet dead: see the class comment. */
    final LongAdder ngoroutines = new LongAdder();

    GAlloc(Scheduler s) {
        this.s = s;
        this.sched = s.sched;
    }

    /**
     * Admits and starts {@code task} as a new G.
     *
     * @param bounded whether {@code maxRunnable} applies (work dispatched from outside; not {@code go})
     * @throws RejectedExecutionException when shut down, or when {@code bounded} and {@code maxRunnable} Gs are
     *         queued already
     */
    void spawn(Runnable task, boolean bounded) {
        // Count the G first, then look at the run state: see the class comment.
        ngoroutines.increment();
        if (sched.runState != Sched.ACCEPTING) {
            gdead();
            s.stats.rejected.incrementAndGet();
            throw new RejectedExecutionException(s.name() + " scheduler is shut down");
        }
        nrunnable.increment();
        if (bounded && s.admission.shedding()) {
            unspawn();
            s.stats.shed.incrementAndGet();
            throw new OverloadedException(s.name() + " scheduler is overloaded: goroutines wait longer than "
                    + s.config.admissionTarget().toMillis() + " ms for a P (admission.target)", s.admission.retryAfter());
        }
        if (bounded && overMaxRunnable()) {
            unspawn();
            throw new RejectedExecutionException(s.name() + " scheduler is saturated: " + s.config.maxRunnable()
                    + " goroutines are already queued (max-runnable)");
        }
        if (s.virtual) {
            s.virtualGs.newproc(task);
        } else {
            newproc(task);
        }
    }

    /**
     * Whether more than {@code maxRunnable} Gs are queued, for a bounded spawn that has already counted itself.
     * Summing {@link #nrunnable} reads every cell of the adder, each written by another core (a cache miss apiece): it
     * cost a fan-out of tiny Gs in platform mode about 15 % of its throughput ({@code TinyTasks.inside}: ~400 against
     * ~460 batches/s without it). So a spawner running on an M of ours sums once, then spawns up to a 64th of the
     * headroom it saw (at most {@value #RUNNABLE_BUDGET_MAX}) before it sums again: with at most 64 Ms spawning at once
     * the bound holds, and within 64 of the bound every spawn sums. A spawner without an M (an event loop) sums every
     * time.
     */
    private boolean overMaxRunnable() {
        M m = Scheduler.currentM();
        boolean ours = m != null && m.sched == s;
        if (ours && m.runnableBudget > 0) {
            m.runnableBudget--;
            return false;
        }
        long headroom = s.config.maxRunnable() - nrunnable.sum();
        if (ours) {
            m.runnableBudget = (int) Math.min(RUNNABLE_BUDGET_MAX, Math.max(0, headroom / 64));
        }
        return headroom < 0;
    }

    /** Takes back the counts of a G that was admitted but could not be started. */
    void unspawn() {
        nrunnable.decrement();
        s.stats.rejected.incrementAndGet();
        gdead();
    }

    /** A G has ended (or was never started): the last one out of a shut-down scheduler stops it. */
    void gdead() {
        ngoroutines.decrement();
        if (sched.runState == Sched.SHUTDOWN && ngoroutines.sum() == 0) {
            s.lifecycle.tryTerminate();
        }
    }

    /**
     * A dead G readied by {@link #initG} for {@code fn}: from the free list and goid cache of the caller's P when the
     * caller is a G of ours that holds its P, else from the global ones. Never parks: a virtual caller may be anywhere
     * in its task.
     */
    G newG(Runnable fn) {
        M m = Scheduler.currentM();
        G cur = scanCurrent(m);
        if (cur != null) {
            try {
                G g = gfget(m.p);
                initG(g, fn, m.p);
                return g;
            } finally {
                cur.unscan();
            }
        }
        G g = gfget(null);
        initG(g, fn, null);
        return g;
    }

    /** Platform mode's {@code newproc}: a G for {@code fn} on the caller's P, or on the global queue. */
    private void newproc(Runnable fn) {
        M m = Scheduler.currentM();
        G cur = scanCurrent(m);
        if (cur != null) {
            try {
                P p = m.p;
                G g = gfget(p);
                initG(g, fn, p);
                p.runq.put(g, true, sched::globrunqputBatch);
            } finally {
                cur.unscan();
            }
            s.idle.wakep();
            return;
        }
        G g = gfget(null);
        initG(g, fn, null);
        globrunqputAndWake(g);
    }

    /**
     * The G that {@code m} runs, with its scan bit set, so that it cannot lose its P ({@code m.p}, owned by
     * {@code m}) until the caller calls {@code unscan}; null when the caller runs no G of this scheduler, or the G
     * has been detached from its P. Between the two the caller must not park.
     */
    private G scanCurrent(M m) {
        if (m == null || m.sched != s) {
            return null;
        }
        G cur = m.curg;
        if (cur == null || !cur.tryScan(cur.word())) {
            return null;
        }
        assert m.p.ownedBy(m) : m + " does not own " + m.p;
        return cur;
    }

    /**
     * Puts {@code g} on the global queue and makes sure somebody will run it: a virtual G that has run before (readied
     * by a thread without a P) on the queue served first, unless it yields; a new G behind the others. After the
     * scheduler has terminated a virtual G cannot get an M any more and runs on the JDK's carriers instead.
     */
    void globrunqputAndWake(G g) {
        boolean orphan;
        sched.lock.lock();
        try {
            orphan = sched.runState == Sched.TERMINATED && g.vthread != null;
            if (orphan) {
                // below, without the lock
            } else if (g.vstarted && !g.yielding) {
                sched.globrunqputReadyLocked(g);
            } else {
                sched.globrunqputLocked(g);
            }
        } finally {
            sched.lock.unlock();
        }
        if (orphan) {
            VirtualGs.runOrphan(g);
            return;
        }
        s.idle.wakeForGlobal();
    }

    /**
     * Puts a runnable {@code g} on the P of the G that runs the caller ({@code runnext} when {@code next}, as Go's
     * {@code newproc} and {@code ready} do), or on the global queue when the caller holds no P of this scheduler.
     */
    void runqputCurrent(G g, boolean next) {
        M m = Scheduler.currentM();
        if (m != null && m.sched == s) {
            G cur = m.curg;
            if (cur == null && Scheduler.CURRENT_M.get() == m) {
                // An M in its own scheduling code (firing timers): it owns its P if the P is RUNNING under it. The G
                // goes to the tail, not runnext: no running G hands it a slice, and a batch of due timers would
                // otherwise let the last one jump every queued G (Go uses runnext here; measured in the benchmark
                // (d), 1 ms CPU + 1 ms sleep, the tail gave a p99 of 81–97 ms against 112–125 ms, and (c) 1.03×).
                P p = m.p;
                if (p != null && p.m == m && p.status() == PStatus.RUNNING) {
                    p.runq.put(g, false, sched::globrunqputBatch);
                    s.idle.wakep();
                    return;
                }
            }
            if (cur != null && cur != g && cur.tryScan(cur.word())) {
                // A virtual G's thread must not park while its scan bit is set (its M would wait for the bit
                // forever), and taking the scheduler lock may park it: it spills an overflow after unscan.
                Spill spill = Scheduler.CURRENT_M.get() == m ? null : new Spill();
                try {
                    assert m.p.ownedBy(m) : "runqput: " + m + " does not own " + m.p;
                    m.p.runq.put(g, next, spill == null ? sched::globrunqputBatch : spill);
                } finally {
                    cur.unscan();
                }
                if (spill != null && spill.batch != null) {
                    sched.globrunqputBatch(spill.batch);
                }
                s.idle.wakep();
                return;
            }
        }
        globrunqputAndWake(g);
    }

    /** An overflow batch held until the caller may take the scheduler lock. */
    private static final class Spill implements Consumer<List<G>> {
        List<G> batch;

        @Override
        public void accept(List<G> gs) {
            batch = gs;
        }
    }

    /**
     * Readies a G taken off a free list for {@code fn} (null for a virtual G, whose continuation comes later): a new
     * id, RUNNABLE. Nobody else can see the G yet. {@code owned} is the P the caller owns and cannot lose meanwhile
     * (its G's scan bit is set), or null.
     */
    void initG(G g, Runnable fn, P owned) {
        g.fn = fn;
        g.id = newgoid(owned);
        long now = System.nanoTime();
        g.createdNanos = now;
        g.queuedNanos = now;
        g.waitReason = null;
        g.lockedm = null;
        g.m = null;
        g.label = null;
        if (fn != null) {
            g.setStatus(GStatus.RUNNABLE);
        }
    }

    /** A fresh goroutine id: from the cache of {@code p}, which the caller owns (Go's {@code goidcache}), or global. */
    private long newgoid(P p) {
        if (p == null) {
            return goidgen.incrementAndGet();
        }
        if (p.goidcache == p.goidcacheend) {
            long end = goidgen.addAndGet(GOID_BATCH);
            p.goidcache = end - GOID_BATCH + 1;
            p.goidcacheend = end + 1;
        }
        return p.goidcache++;
    }

    /** Gs made since start (an upper bound: ids cached by Ps and not yet handed out count too). */
    long spawned() {
        return goidgen.get();
    }

    /** Go's {@code gfget}: a dead G from {@code p}'s free list (refilled from the global one), or a new G. */
    G gfget(P p) {
        if (p != null) {
            if (p.gFree.isEmpty()) {
                gFree.refill(p.gFree, P.GFREE_KEEP);
            }
            G g = p.gFree.poll();
            p.gFreeCount = p.gFree.size();
            if (g != null) {
                return g;
            }
        } else {
            G g = gFree.get();
            if (g != null) {
                return g;
            }
        }
        return allgs.add();
    }

    /** Go's {@code gfput}: a dead G onto {@code p}'s free list; at 64, spill to the global list down to 32. */
    void gfput(P p, G g) {
        if (p == null) {
            gFree.put(g);
            return;
        }
        p.gFree.push(g);
        if (p.gFree.size() >= P.GFREE_MAX) {
            gFree.spill(p.gFree, P.GFREE_KEEP);
        }
        p.gFreeCount = p.gFree.size();
    }
}
