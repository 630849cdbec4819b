package io.quarkiverse.goroutines.scheduler;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Blocking calls and hand-off (Go's {@code entersyscall}, {@code exitsyscall}, {@code exitsyscallfast},
 * {@code entersyscallblock}, {@code handoffp}, {@code retake}, {@code Gosched}), and detaching a running G for sysmon
 * and stop-the-world.
 *
 * <h2>Invariants</h2>
 * <ul>
 * <li>A G in SYSCALL or PREEMPTED keeps its M and holds no P. Its P, if nobody has taken it yet, is in SYSCALL with
 * no owner: the returning M ({@link #takeOldP}), sysmon ({@link #retake}) and stop-the-world race for it by CAS on
 * the P's status, and exactly one wins.</li>
 * <li>A running G loses its P to a third party only through a CAS on the G's status word from the exact word the
 * third party judged ({@link #detach}); the transition count in the word makes a stale judgement fail.</li>
 * <li>Only the outermost {@code syscall} of a G enters and exits the syscall ({@code m.syscalldepth}).</li>
 * <li>A G back from a call that finds no P joins the global queue as RUNNABLE, locked to its M ({@code lockedm}),
 * and its M parks until a P is handed to it ({@link #waitForP}): it waits its turn like any G (Go's
 * {@code exitsyscall0}), because a platform thread's stack cannot move to another M.</li>
 * </ul>
 */
final class Syscalls {
    private final Scheduler s;
    private final Sched sched;

    Syscalls(Scheduler s) {
        this.s = s;
        this.sched = s.sched;
    }

    /** Runs {@code call} with the calling G's P released; see {@link Scheduler#syscall(Callable)}. */
    <T> T syscall(Callable<T> call, boolean block) throws Exception {
        M m = Scheduler.CURRENT_M.get();
        if (m == null || m.sched != s || m.curg == null) {
            return call.call();
        }
        if (m.syscalldepth > 0) {
            // Nested (a channel wait inside Go.syscall): the outer call has released the P already. A call known
            // to block long hands the still-unclaimed P off now rather than leave it to sysmon.
            P old = m.oldp;
            if (block && old != null) {
                m.oldp = null;
                retake(old);
            }
            m.syscalldepth++;
            try {
                return call.call();
            } finally {
                m.syscalldepth--;
            }
        }
        m.syscalldepth = 1;
        entersyscall(m, block);
        try {
            return call.call();
        } finally {
            m.syscalldepth = 0;
            exitsyscall(m);
        }
    }

    private void entersyscall(M m, boolean block) {
        P cur = m.p;
        if (!block && cur != null && (!cur.runq.isEmpty()
                || sched.runqsize > 0 && sched.npidle.get() + sched.nmspinning.get() == 0)) {
            // Work is already waiting that nobody else can take: hand the P off now rather than leave it idle
            // until sysmon's next pass (Go waits for sysmon; a JVM sleep of 20 µs overshoots several times).
            block = true;
        }
        G g = m.curg;
        long w = g.word();
        if (G.state(w) != GStatus.RUNNING || !g.cas(w, GStatus.SYSCALL)) {
            return; // already detached by sysmon: the P is gone, the G counts as in a syscall
        }
        g.waitReason = "syscall";
        P p = m.releasep();
        p.syscalltick++;
        if (block) {
            g.parkWord = g.word(); // only this M moves a SYSCALL G's word until it is published here
            m.oldp = null;
            p.setStatus(PStatus.IDLE);
            p.handoffs++;
            s.stats.handoffs.incrementAndGet();
            if (!handToReadiedG(p)) {
                handoffp(p);
            }
            return;
        }
        m.oldp = p;
        p.m = m; // shown in traces only; the P has no owner
        p.setStatus(PStatus.SYSCALL); // from here anyone may CAS it away
        if (sched.gcwaiting) {
            sched.lock.lock();
            try {
                if (p.casStatus(PStatus.SYSCALL, PStatus.GCSTOP)) {
                    p.m = null;
                    if (--sched.stopwait == 0) {
                        sched.stateChanged.signalAll();
                    }
                }
            } finally {
                sched.lock.unlock();
            }
        }
        s.sysmon.wake();
    }

    /** Go's {@code exitsyscall}: get a P back for the calling G. Also re-attaches a G that sysmon detached. */
    void exitsyscall(M m) {
        G g = m.curg;
        long parked = g.parkWord;
        if (parked != 0) {
            g.parkWord = 0;
            // Close the wait to wakers: if one readied the G first, it is queued on the waker's P already.
            if (!g.cas(parked, GStatus.SYSCALL)) {
                waitForP(m, g);
                return;
            }
        }
        if (g.status() == GStatus.RUNNING) {
            return; // never left
        }
        if (takeOldP(m)) {
            toRunning(g);
            return;
        }
        P p;
        sched.lock.lock();
        try {
            p = sched.gcwaiting ? null : sched.pidlegetLocked();
            if (p == null) {
                // No P: wait for one on this M, as a RUNNABLE G in the global queue. Enqueued under the same lock
                // that found no idle P, so that a P freed from now on sees the G.
                runnableLocked(g, m, "exitsyscall: waiting for a P");
                sched.globrunqputLocked(g);
                s.stats.exitsyscallWaits.incrementAndGet();
            }
        } finally {
            sched.lock.unlock();
        }
        if (p != null) {
            m.acquirep(p);
            toRunning(g);
            return;
        }
        s.idle.wakeForGlobal();
        waitForP(m, g);
    }

    /**
     * Go's {@code exitsyscallfast}: the P this M had before its G lost it (by a syscall, or detached by a third
     * party, in which case {@code m.p} still points to it) is taken back with one CAS if it is still in SYSCALL.
     * Leaves {@code m.oldp} null, and {@code m.p} set only on success.
     */
    boolean takeOldP(M m) {
        P old = m.p != null ? m.p : m.oldp;
        m.p = null;
        m.oldp = null;
        if (old != null && !sched.gcwaiting && old.casStatus(PStatus.SYSCALL, PStatus.RUNNING)) {
            old.m = null;
            m.acquirep(old);
            return true;
        }
        return false;
    }

    /** The G of this M has a P again (or, when stopping, runs on without one). */
    private static void toRunning(G g) {
        long now = System.nanoTime();
        while (true) {
            long w = g.word();
            if (G.state(w) == GStatus.RUNNING || g.startRunning(w, now)) {
                g.waitReason = null;
                return;
            }
        }
    }

    /** Marks the started G of {@code m} RUNNABLE and locked to {@code m}. The lock must be held. */
    private void runnableLocked(G g, M m, String reason) {
        assert sched.lockHeld();
        while (true) {
            long w = g.awaitUnscanned();
            if (g.cas(w, GStatus.RUNNABLE)) {
                break;
            }
        }
        g.waitReason = reason;
        g.lockedm = m;
        g.queuedNanos = System.nanoTime();
    }

    /** Parks {@code m}, which holds no P, until a P is handed to it for its started G {@code g}, then runs on. */
    private void waitForP(M m, G g) {
        m.park.sleep();
        m.park.clear();
        P p = m.nextp;
        m.nextp = null;
        g.lockedm = null;
        if (p == null) {
            // Woken without a P: the scheduler is stopping. Let the G finish without one.
            toRunning(g);
            return;
        }
        m.acquirep(p);
        if (!p.runq.isEmpty() || sched.runqsize > 0) {
            s.idle.wakep();
        }
        toRunning(g);
    }

    /**
     * Go's {@code ready} for a platform G that waits in a blocking call which handed its P off (a channel wait),
     * called by the waker before it wakes the G's thread: the G becomes RUNNABLE, locked to its own M, in the
     * waker's {@code runnext} (or the global queue when the waker holds no P of this scheduler), so that it runs
     * next on the waker's P and shares its time slice, as a readied goroutine does in Go. Does nothing if the G has
     * left that wait already; its thread then takes a P itself.
     */
    void ready(G g) {
        long w = g.parkWord;
        M lm = g.m;
        if (w == 0 || lm == null || !g.cas(w, GStatus.RUNNABLE)) {
            return;
        }
        g.waitReason = "ready";
        g.lockedm = lm;
        g.queuedNanos = System.nanoTime();
        s.galloc.runqputCurrent(g, true);
    }

    /**
     * An M that has just released {@code p} to block hands it straight to the M of the G in its {@code runnext} when
     * that G was readied by this M's G (a channel hand-off) and may inherit the time slice: the direct path of Go's
     * {@code gopark} followed by {@code schedule}, without waking a third M in between.
     */
    private boolean handToReadiedG(P p) {
        G next = p.runq.runnext.get();
        if (next == null || next.lockedm == null) {
            return false;
        }
        if (System.nanoTime() - p.sliceStart > Schedule.SLICE_NANOS && (sched.runqsize > 0 || p.runq.size() > 1)) {
            return false; // the chain has used its slice and others wait: let findRunnable cut it
        }
        if (!p.runq.runnext.compareAndSet(next, null)) {
            return false;
        }
        Sched.handToLockedM(next, p);
        return true;
    }

    /** Go's {@code Gosched}; see {@link Scheduler#yieldG()}. */
    void yieldG() {
        M m = Scheduler.CURRENT_M.get();
        G vg = m == null ? Scheduler.CURRENT_VG.get() : null;
        if (vg != null && vg.m != null && vg.m.sched == s) {
            // A virtual G yields its thread: the continuation unmounts and hands itself back through ready(),
            // which sends it to the global queue while this flag is set.
            vg.yielding = true;
            try {
                Thread.yield();
            } finally {
                vg.yielding = false;
            }
            return;
        }
        if (m == null || m.sched != s || m.curg == null) {
            Thread.yield();
            return;
        }
        G g = m.curg;
        long w = g.word();
        P p = m.p;
        if (G.state(w) == GStatus.RUNNING) {
            if (p.runq.isEmpty() && sched.runqsize == 0) {
                return; // nobody else to run
            }
            // CAS from the word that was checked: if sysmon detached the G since, the CAS fails and P is not ours.
            if (g.cas(w, GStatus.RUNNABLE)) {
                g.waitReason = "yield";
                g.lockedm = m;
                g.queuedNanos = System.nanoTime();
                m.releasep();
                p.setStatus(PStatus.IDLE);
                sched.globrunqput(g); // behind the queued work; whoever takes it hands its P to our M
                handoffp(p);
                waitForP(m, g);
                return;
            }
        }
        // Detached by sysmon or stop-the-world: the P is no longer ours to give, and its detacher retakes it. Wait
        // behind the queued work all the same, as any yield does.
        m.p = null;
        m.oldp = null;
        sched.lock.lock();
        try {
            runnableLocked(g, m, "yield");
            sched.globrunqputLocked(g);
        } finally {
            sched.lock.unlock();
        }
        s.idle.wakep();
        waitForP(m, g);
    }

    /**
     * Go's {@code handoffp}: {@code p} has no M (retaken from a syscall, or released before a long call), and the
     * caller owns it. Start an M for it if there is work; make it a spinner if nobody spins and nothing is idle; else
     * it goes free.
     */
    void handoffp(P p) {
        if (!sched.gcwaiting) {
            if (!p.runq.isEmpty() || sched.runqsize > 0) {
                s.ms.startm(p, false);
                return;
            }
            if (sched.nmspinning.get() + sched.npidle.get() == 0 && sched.nmspinning.compareAndSet(0, 1)) {
                sched.needspinning = false;
                s.ms.startm(p, true);
                return;
            }
        }
        boolean start;
        sched.lock.lock();
        try {
            // Recheck under the lock: a G queued since the look above must not wait behind an idle P.
            start = !sched.gcwaiting && (sched.runqsize > 0 || !p.runq.isEmpty());
            if (!start) {
                sched.pidleputLocked(p);
            }
        } finally {
            sched.lock.unlock();
        }
        if (start) {
            s.ms.startm(p, false);
        }
    }

    /**
     * Takes {@code p} away from the G {@code g} that {@code m} runs on it, as if {@code g} had entered a syscall. Wins
     * only if {@code g}'s status word is still exactly {@code w}, the word the caller judged: if {@code g} has moved
     * on since (ended, blocked, or another G runs), the caller's evidence is about a G that is gone and nothing
     * happens. On success {@code p} is in SYSCALL and nobody owns it: the caller retakes it by CAS, unless the M got
     * it back first.
     */
    boolean detach(P p, M m, G g, long w, GStatus as, String reason) {
        if (G.state(w) != GStatus.RUNNING || G.scanning(w) || p.m != m || m.curg != g || g.m != m || m.p != p) {
            return false;
        }
        if (!g.cas(w, as)) {
            return false;
        }
        g.waitReason = reason;
        p.syscalltick++;
        p.setStatus(PStatus.SYSCALL);
        return true;
    }

    /** {@link #detach} of whatever G runs on {@code p} now, judged by its current word (stop-the-world). */
    boolean detachCurrent(P p, GStatus as, String reason) {
        M m = p.m;
        G g = m == null ? null : m.curg;
        return g != null && detach(p, m, g, g.word(), as, reason);
    }

    /** sysmon's retake: CAS a SYSCALL P to IDLE and hand it off. */
    boolean retake(P p) {
        return retake(p, null);
    }

    /**
     * {@link #retake(P)}, counting a successful retake in {@code counter} before the P moves on, so that whoever sees
     * the effect sees the count.
     */
    boolean retake(P p, AtomicLong counter) {
        if (!p.casStatus(PStatus.SYSCALL, PStatus.IDLE)) {
            return false;
        }
        if (counter != null) {
            counter.incrementAndGet();
        }
        p.m = null;
        p.syscalltick++;
        p.handoffs++;
        s.stats.handoffs.incrementAndGet();
        handoffp(p);
        return true;
    }
}
