package io.quarkiverse.goroutines.scheduler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The scheduler's shared state (Go's {@code schedt}): the lock, the global run queue, the idle-P and idle-M lists, the
 * M list, the run state and stop-the-world bookkeeping.
 *
 * <h2>Invariants</h2>
 * <ul>
 * <li>{@link #lock} (Go's {@code sched.lock}) guards the two global queues ({@link #readyq}, served first, and
 * {@link #runq}), {@link #pidle}, {@link #midle}, {@link #allm}, {@link #stopwait} and every change of
 * {@link #runState}. Methods named {@code ...Locked} must be called with it held (checked by {@code assert}).</li>
 * <li>{@link #runqsize} and {@link #npidle} mirror the sizes of both global queues and of {@link #pidle}, and
 * {@link #runqHeadQueued} the older of the two queues' heads; they are written
 * under the lock and read without it for cheap checks (a stale read is always rechecked under the lock by whoever
 * acts on it).</li>
 * <li>A G in the global queue is RUNNABLE. One with {@code lockedm} set has started already (it came back from a
 * blocking call, or yielded) and can only run on its own M: whoever takes it hands that M a P instead of running
 * it ({@link #handToLockedM}).</li>
 * <li>A P on {@link #pidle} is IDLE with an empty run queue and no M.</li>
 * </ul>
 * No code holding the lock parks or runs user code; virtual Gs' threads spin for it ({@link SchedLock}).
 */
final class Sched {
    static final int ACCEPTING = 0;
    static final int SHUTDOWN = 1;
    static final int STOPPING = 2;
    static final int TERMINATED = 3;

    final ReentrantLock lock = new SchedLock();
    /** Signalled on stop-the-world progress and on run-state and M-list changes; under {@link #lock}. */
    final Condition stateChanged = lock.newCondition();

    /**
     * Every P ever made; {@code allp[0 .. gomaxprocs)} are live, the rest DEAD. Written only by {@code procresize},
     * with the world stopped and the lock held; read by everyone.
     */
    volatile P[] allp;
    volatile int gomaxprocs;

    private final ArrayDeque<P> pidle = new ArrayDeque<>();
    final AtomicInteger npidle = new AtomicInteger();
    private final ArrayDeque<M> midle = new ArrayDeque<>();
    /** Ms spinning: looking for work while holding a P. */
    final AtomicInteger nmspinning = new AtomicInteger();
    /**
     * Go 1.21's {@code needspinning}: set (under the lock) by a {@code wakep} that found work but no idle P, so that
     * an M about to give its P up spins instead; cleared by whoever becomes spinning. See {@link Idle}.
     */
    volatile boolean needspinning;

    /** Every M whose thread lives or is starting; under the lock. Its size is the M count. */
    private final List<M> allm = new ArrayList<>();
    /** A copy of {@link #allm}, republished under the lock at every change, for lock-free readers. */
    private volatile M[] allmView = new M[0];
    private long mnext;

    /** The global queue of Gs that have not started yet (new work), and of Gs put back by a full or cut local queue. */
    private final ArrayDeque<G> runq = new ArrayDeque<>();
    /**
     * The global queue of virtual Gs that have run before and were readied by a thread without a P (woken by an event
     * loop, or by the JDK's unblocker thread after a monitor they waited for was released): served before
     * {@link #runq}. Such a G carries a request that is under way; behind hundreds of new requests it made every
     * hand-over of a contended monitor cost a whole queue's wait (a convoy: waits of seconds with 1,000
     * connections). A platform G back from a call without a P still queues behind the others, as Go's
     * {@code exitsyscall0} queues it. So that wake-ups arriving as fast as the Ps run them cannot hold new work back
     * for good, every {@value Schedule#GLOBAL_FAIRNESS_TICKS}th take from the global queues comes from {@link #runq}
     * first ({@link #globrunqpollLocked}).
     */
    private final ArrayDeque<G> readyq = new ArrayDeque<>();
    /** Takes from the global queues, counted for {@link #globrunqpollLocked}'s fairness; under the lock. */
    private int globrunqpolls;
    /** Gs in both global queues. */
    volatile int runqsize;
    /**
     * When the older of the two global queues' heads was queued ({@code G.queuedNanos}); meaningless while both
     * are empty.
     * Written under the lock with {@link #runqsize}; read without it by Ms deciding whether to serve this queue first.
     */
    volatile long runqHeadQueued;

    /** Stop-the-world pending; written under the lock by the stopping thread. */
    volatile boolean gcwaiting;
    /** Ps still to stop; under the lock. */
    int stopwait;

    /** ACCEPTING → SHUTDOWN → STOPPING → TERMINATED; only moves forward, always under the lock. */
    volatile int runState = ACCEPTING;

    Sched(int procs) {
        P[] ps = new P[procs];
        for (int i = 0; i < procs; i++) {
            ps[i] = new P(i);
        }
        allp = ps;
        gomaxprocs = procs;
    }

    boolean lockHeld() {
        return lock.isHeldByCurrentThread();
    }

    // ---------------------------------------------------------------------------------------------------------
    // The global run queue (Go's globrunqput, globrunqputbatch, globrunqget)

    /**
     * Republishes {@link #runqsize} and {@link #runqHeadQueued} (the older of the two heads) after a change. The lock
     * must be held.
     */
    private void runqChangedLocked() {
        G head = runq.peekFirst();
        G ready = readyq.peekFirst();
        if (head == null || ready != null && ready.queuedNanos - head.queuedNanos < 0) {
            head = ready;
        }
        if (head != null) {
            runqHeadQueued = head.queuedNanos;
        }
        runqsize = runq.size() + readyq.size();
    }

    /**
     * The next G of the global queues: a readied one first, except on every
     * {@value Schedule#GLOBAL_FAIRNESS_TICKS}th take, which serves {@link #runq} first. The lock must be held.
     */
    private G globrunqpollLocked() {
        if (++globrunqpolls % Schedule.GLOBAL_FAIRNESS_TICKS == 0) {
            G g = runq.pollFirst();
            if (g != null) {
                return g;
            }
        }
        G g = readyq.pollFirst();
        return g != null ? g : runq.pollFirst();
    }

    /**
     * Appends {@code g}, a G that has started before (see {@link #readyq}), to the queue served first. The lock must
     * be held.
     */
    void globrunqputReadyLocked(G g) {
        assert lockHeld();
        readyq.addLast(g);
        runqChangedLocked();
    }

    /** Appends {@code g}. The lock must be held. */
    void globrunqputLocked(G g) {
        assert lockHeld();
        runq.addLast(g);
        runqChangedLocked();
    }

    /** Appends {@code g}, taking the lock. */
    void globrunqput(G g) {
        lock.lock();
        try {
            globrunqputLocked(g);
        } finally {
            lock.unlock();
        }
    }

    /** Overflow of a local queue: half of it plus one G, in one batch (Go's {@code runqputslow}). */
    void globrunqputBatch(List<G> batch) {
        lock.lock();
        try {
            runq.addAll(batch);
            runqChangedLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Puts {@code gs} at the head, in order, ahead of newer work (a removed P's Gs). The lock must be held. */
    void globrunqputHeadLocked(List<G> gs) {
        assert lockHeld();
        for (int i = gs.size() - 1; i >= 0; i--) {
            runq.addFirst(gs.get(i));
        }
        runqChangedLocked();
    }

    /**
     * Go's {@code globrunqget}: one G to run now and up to a fair share more for {@code p}'s local queue:
     * min(size, size / procs + 1, max, 128). The lock must be held, and the caller must own {@code p}.
     */
    G globrunqgetLocked(P p, int max) {
        assert lockHeld();
        int size = runq.size() + readyq.size();
        if (size == 0) {
            return null;
        }
        int n = Math.min(size, size / gomaxprocs + 1);
        if (max > 0 && n > max) {
            n = max;
        }
        n = Math.min(n, RunQueue.SIZE / 2);
        G g = globrunqpollLocked();
        for (int i = 1; i < n; i++) {
            p.runq.put(globrunqpollLocked(), false, this::globrunqputBatch);
        }
        runqChangedLocked();
        return g;
    }

    /** {@link #globrunqgetLocked}, taking the lock. */
    G globrunqget(P p, int max) {
        lock.lock();
        try {
            return globrunqgetLocked(p, max);
        } finally {
            lock.unlock();
        }
    }

    /** Takes every G off the global queue. The lock must be held. */
    void globrunqdrainLocked(Collection<G> out) {
        assert lockHeld();
        out.addAll(readyq);
        out.addAll(runq);
        readyq.clear();
        runq.clear();
        runqChangedLocked();
    }

    /** The first G in the global queue that waits on its own M, removed; or null. The lock must be held. */
    private G takeLockedGLocked() {
        for (ArrayDeque<G> q : List.of(readyq, runq)) {
            for (Iterator<G> it = q.iterator(); it.hasNext();) {
                G g = it.next();
                if (g.lockedm != null) {
                    it.remove();
                    runqChangedLocked();
                    return g;
                }
            }
        }
        return null;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Idle Ps (Go's pidleput, pidleget)

    /**
     * A P that nobody owns any more becomes free: stop-the-world takes it first; else, only when queued work could
     * not get an M (the M cap), a started G in the global queue that waits on its own M gets it; else it goes on the
     * idle list. The lock must be held. The P's run queue must be empty unless it goes to a waiting G.
     */
    void pidleputLocked(P p) {
        assert lockHeld();
        p.m = null;
        if (gcwaiting) {
            p.setStatus(PStatus.GCSTOP);
            if (--stopwait == 0) {
                stateChanged.signalAll();
            }
            return;
        }
        if (runqsize > 0) {
            G waiter = takeLockedGLocked();
            if (waiter != null) {
                p.setStatus(PStatus.IDLE);
                handToLockedM(waiter, p);
                return;
            }
        }
        if (!p.runq.isEmpty()) {
            // Only reached when a hand-off could not start an M: keep the work where every M looks.
            List<G> gs = new ArrayList<>();
            p.runq.drainTo(gs);
            runq.addAll(gs);
            runqChangedLocked();
        }
        p.setStatus(PStatus.IDLE);
        pidle.push(p);
        npidle.incrementAndGet();
    }

    /** An idle P, taken off the list, or null. The lock must be held. */
    P pidlegetLocked() {
        assert lockHeld();
        P p = pidle.poll();
        if (p != null) {
            npidle.decrementAndGet();
        }
        return p;
    }

    /** {@link #pidlegetLocked}, taking the lock. */
    P pidleget() {
        lock.lock();
        try {
            return pidlegetLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the M of a started G (locked to it) and gives it {@code p} (Go's {@code startlockedm}). */
    static void handToLockedM(G g, P p) {
        M lm = g.lockedm;
        lm.nextp = p;
        lm.park.wakeup();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Idle Ms and the M list (Go's mput, mget, allm)

    /** Puts {@code m} on the idle list; it then parks. The lock must be held. */
    void mputLocked(M m) {
        assert lockHeld();
        midle.push(m);
    }

    /** An idle M, taken off the list, or null. The lock must be held. */
    M mgetLocked() {
        assert lockHeld();
        return midle.poll();
    }

    /** Takes every idle M off the list (shutdown). The lock must be held. */
    List<M> mgetAllLocked() {
        assert lockHeld();
        List<M> all = new ArrayList<>(midle);
        midle.clear();
        return all;
    }

    /** Adds a new M under the cap {@code max}; null at the cap. The lock must be held. */
    M allmAddLocked(Scheduler s, int max) {
        assert lockHeld();
        if (allm.size() >= max) {
            return null;
        }
        M m = new M(++mnext, s);
        allm.add(m);
        allmView = allm.toArray(new M[0]);
        return m;
    }

    /** Forgets an M whose thread has ended or never started. The lock must be held. */
    void allmRemoveLocked(M m) {
        assert lockHeld();
        midle.remove(m);
        allm.remove(m);
        allmView = allm.toArray(new M[0]);
    }

    /** Every M whose thread lives or is starting; a snapshot, readable without the lock. */
    M[] allm() {
        return allmView;
    }
}
