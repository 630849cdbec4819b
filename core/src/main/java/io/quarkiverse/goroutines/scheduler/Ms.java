package io.quarkiverse.goroutines.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Making, starting, parking and ending Ms (Go's {@code newm}, {@code startm}, {@code stopm}, {@code mstart},
 * {@code mexit}, and the template thread's {@code newmHandoff}).
 *
 * <h2>Invariants</h2>
 * <ul>
 * <li>An M is idle exactly when it is on the idle-M list, parked on {@code m.park} with no P. Whoever takes it off
 * the list sets {@code m.nextp} before {@code m.park.wakeup()}; a woken M with no {@code nextp} must exit.</li>
 * <li>The M count ({@code allm}) never exceeds {@code maxThreads}; a new M is reserved under the lock before its
 * thread starts, and forgotten under the lock when its thread ends or fails to start.</li>
 * <li>No OS thread is started on a thread that only submits work: such callers pass the start to the template
 * thread. Ms, sysmon and the template thread start threads directly ({@link #mayStartThreads}).</li>
 * </ul>
 */
final class Ms {
    private static final Logger LOG = Logger.getLogger(Scheduler.class.getName());
    private static final long M_LIMIT_REPORT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Scheduler s;
    private final Sched sched;
    final TemplateThread templateThread;
    /** M threads that left their loop while stopping; joined by awaitTermination. Under the scheduler lock. */
    final List<Thread> exiting = new ArrayList<>();
    /** When the M cap was last reported; sysmon only. */
    private long lastMLimitReport;

    Ms(Scheduler s) {
        this.s = s;
        this.sched = s.sched;
        this.templateThread = new TemplateThread(s);
    }

    /**
     * Go's {@code startm}: runs {@code p} on an idle M, or a new one. If {@code spinning}, the caller has already
     * counted the M in {@code nmspinning}. The caller owns {@code p} (IDLE, off every list) and must not hold the lock.
     */
    void startm(P p, boolean spinning) {
        M m;
        sched.lock.lock();
        try {
            m = sched.mgetLocked();
            if (m == null) {
                m = newmLocked();
            }
            if (m == null) {
                // Out of Ms: the P goes back, its work to the global queue, and whoever frees up runs it.
                if (spinning) {
                    sched.nmspinning.decrementAndGet();
                }
                sched.pidleputLocked(p);
                return;
            }
        } finally {
            sched.lock.unlock();
        }
        m.spinning = spinning;
        m.nextp = p;
        if (m.thread == null) {
            if (mayStartThreads()) {
                startThread(m);
            } else {
                templateThread.newm(m);
            }
        } else {
            m.park.wakeup();
        }
    }

    /** Reserves a new M under the cap; its thread is started by the caller. Null when the cap is reached. */
    M newmLocked() {
        boolean locked = sched.lockHeld();
        if (!locked) {
            sched.lock.lock();
        }
        try {
            if (sched.runState >= Sched.STOPPING) {
                return null;
            }
            M m = sched.allmAddLocked(s, s.config.maxThreads());
            if (m == null) {
                s.stats.mLimitHits.incrementAndGet(); // sysmon logs it, outside the lock
                s.sysmon.wake();
            }
            return m;
        } finally {
            if (!locked) {
                sched.lock.unlock();
            }
        }
    }

    /** Called by sysmon when the M cap was hit since its last pass; at most one error every 10 s. */
    void reportMLimit(long now) {
        int blocked = countBlocked();
        if (blocked > 0 && (lastMLimitReport == 0 || now - lastMLimitReport > M_LIMIT_REPORT_INTERVAL_NANOS)) {
            lastMLimitReport = now;
            LOG.severe(s.name() + " scheduler cannot start another M: max-threads=" + s.config.maxThreads()
                    + " reached (" + blocked + " Ms are blocked in calls). Work waits until an M is free;"
                    + " raise max-threads (quarkus.goroutines.max-threads) if that much blocking is expected.");
        }
    }

    private int countBlocked() {
        int n = 0;
        for (M m : sched.allm()) {
            G g = m.curg;
            GStatus st = g == null ? null : g.status();
            if (st == GStatus.SYSCALL || st == GStatus.PREEMPTED) {
                n++;
            }
        }
        return n;
    }

    /** Whether the current thread may start OS threads: an M, sysmon or the template thread. */
    private boolean mayStartThreads() {
        M cur = Scheduler.CURRENT_M.get();
        return (cur != null && cur.sched == s) || Thread.currentThread() == s.sysmon.thread()
                || Thread.currentThread() == templateThread.thread();
    }

    void startThread(M m) {
        try {
            Thread t = s.config.threadFactory().newThread(() -> mstart(m));
            m.thread = t;
            t.start();
        } catch (Throwable e) {
            LOG.log(Level.SEVERE, s.name() + " scheduler could not start an M thread", e);
            mfail(m);
        }
    }

    /** An M whose thread could not start gives back its P and its place under the cap. */
    private void mfail(M m) {
        sched.lock.lock();
        try {
            sched.allmRemoveLocked(m);
            P p = m.nextp;
            m.nextp = null;
            if (m.spinning) {
                m.spinning = false;
                sched.nmspinning.decrementAndGet();
            }
            if (p != null) {
                sched.pidleputLocked(p);
            }
            sched.stateChanged.signalAll();
        } finally {
            sched.lock.unlock();
        }
        s.idle.wakep();
    }

    /**
     * Go's {@code stopm}: parks the M, which holds no P, on the idle list until someone hands it a P. Must not hold
     * the lock.
     *
     * @return false when the M must exit instead
     */
    boolean stopm(M m) {
        assert m.p == null : "stopm: " + m + " holds " + m.p;
        sched.lock.lock();
        try {
            if (sched.runState >= Sched.STOPPING) {
                return false;
            }
            if (sched.runqsize > 0 && sched.npidle.get() > 0) {
                // A start of an M may have failed at the cap between our P release and now: take the work.
                m.acquirep(sched.pidlegetLocked());
                return true;
            }
            sched.mputLocked(m);
        } finally {
            sched.lock.unlock();
        }
        m.park.sleep();
        m.park.clear();
        P p = m.nextp;
        m.nextp = null;
        if (p == null) {
            return false; // woken to exit
        }
        m.acquirep(p);
        return true;
    }

    /** The body of an M's thread (Go's {@code mstart}): take the P it was given, or park, then schedule. */
    private void mstart(M m) {
        Scheduler.CURRENT_M.set(m);
        m.thread = Thread.currentThread();
        m.tid = OsThreads.currentTid();
        m.probe = OsThreads.Probe.of(m.tid);
        try {
            P p = m.nextp;
            m.nextp = null;
            if (p != null) {
                m.acquirep(p);
            } else if (!stopm(m)) {
                return;
            }
            while (!m.exit && s.schedule.schedule(m)) {
                // one G per round
            }
        } finally {
            mexit(m);
            Scheduler.CURRENT_M.remove();
            OsThreads.Probe probe = m.probe;
            m.probe = null;
            if (probe != null) {
                probe.close();
            }
        }
    }

    /** Go's {@code mexit}: gives back the P and the place under the cap; the last M out while stopping terminates. */
    private void mexit(M m) {
        boolean stopping;
        sched.lock.lock();
        try {
            if (m.p != null) {
                sched.pidleputLocked(m.releasep());
            }
            if (m.spinning) {
                m.spinning = false;
                sched.nmspinning.decrementAndGet();
            }
            sched.allmRemoveLocked(m);
            stopping = sched.runState >= Sched.STOPPING;
            if (stopping) {
                exiting.add(Thread.currentThread()); // awaitTermination joins it
                s.lifecycle.lastMOutLocked();
            }
            sched.stateChanged.signalAll();
        } finally {
            sched.lock.unlock();
        }
        if (stopping) {
            s.sysmon.wake();
            templateThread.wake();
        }
    }
}
