package io.quarkiverse.goroutines.scheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.logging.Logger;

/**
 * Shutting down (the {@code ExecutorService} life cycle): ACCEPTING → SHUTDOWN → STOPPING → TERMINATED.
 *
 * <h2>Contract</h2>
 * <ul>
 * <li>SHUTDOWN: new work is refused; queued and running Gs go on. When the last G ends, the scheduler stops.</li>
 * <li>STOPPING ({@link #tryTerminate}): idle Ms exit, busy Ms exit once they find no more work. The last M out
 * makes the state TERMINATED ({@link #lastMOutLocked}).</li>
 * <li>A G that never started can be dropped; a started one cannot (its stack lives on its thread). A dropped
 * virtual G's thread, already started, is run to its end without its task, and a virtual G that is woken after
 * the last M left runs on the JDK's carriers, so that no virtual thread is left behind.</li>
 * <li>{@link #shutdownGracefully} spends at most its timeout waiting for Gs, plus {@link #FORCED_STOP_GRACE} for
 * the threads to end once it has given up.</li>
 * </ul>
 */
final class Lifecycle {
    private static final Logger LOG = Logger.getLogger(Scheduler.class.getName());
    /** How long a forced stop waits for threads to end after the graceful timeout has run out. */
    static final long FORCED_STOP_GRACE = TimeUnit.MILLISECONDS.toNanos(100);

    private final Scheduler s;
    private final Sched sched;

    Lifecycle(Scheduler s) {
        this.s = s;
        this.sched = s.sched;
    }

    void shutdown() {
        sched.lock.lock();
        try {
            if (sched.runState == Sched.ACCEPTING) {
                sched.runState = Sched.SHUTDOWN;
            }
        } finally {
            sched.lock.unlock();
        }
        if (s.galloc.ngoroutines.sum() == 0) {
            tryTerminate();
        }
    }

    List<Runnable> shutdownNow() {
        shutdown();
        List<Runnable> dropped = drainQueued();
        for (M m : sched.allm()) {
            Thread t = m.thread;
            G g = m.curg;
            if (t != null && g != null && g.vthread == null) {
                t.interrupt();
            }
        }
        if (s.virtual) {
            for (G g : s.galloc.allgs.snapshot()) {
                Thread vt = g == null ? null : g.vthread;
                if (vt != null && g.status() != GStatus.DEAD) {
                    vt.interrupt(); // running or parked: its thread is the G's own
                }
            }
        }
        if (s.galloc.ngoroutines.sum() == 0) {
            tryTerminate();
        }
        return dropped;
    }

    ShutdownReport shutdownGracefully(Duration timeout) {
        long before = s.stats.completed();
        shutdown();
        boolean done = awaitQuietly(timeout.toNanos());
        if (done) {
            return new ShutdownReport(s.stats.completed() - before, List.of(), 0);
        }
        List<Runnable> dropped = drainQueued();
        int running = (int) Math.max(0, s.galloc.ngoroutines.sum());
        // FINE: the caller has the report and says it once in its own terms (Quarkus logs what was cut short).
        LOG.fine(() -> s.name() + " scheduler shut down after " + SchedulerConfig.format(timeout) + " with "
                + dropped.size() + " queued goroutines dropped and " + running + " still running");
        tryTerminate();
        awaitQuietly(FORCED_STOP_GRACE);
        return new ShutdownReport(s.stats.completed() - before, dropped, running);
    }

    private boolean awaitQuietly(long nanos) {
        try {
            return awaitTermination(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Takes every G that has not started off every queue; returns their tasks. */
    private List<Runnable> drainQueued() {
        List<G> gs = new ArrayList<>();
        sched.lock.lock();
        try {
            sched.globrunqdrainLocked(gs);
        } finally {
            sched.lock.unlock();
        }
        grabLocalQueues(gs);
        List<Runnable> dropped = new ArrayList<>();
        List<G> keep = new ArrayList<>();
        for (G g : gs) {
            if (g.lockedm != null || g.vstarted) {
                keep.add(g); // started, mid-flight: must get a P, cannot be dropped
                continue;
            }
            boolean virtual = g.vthread != null;
            dropped.add(virtual ? g.task : g.fn);
            g.task = null;
            g.setStatus(GStatus.DEAD);
            if (virtual) {
                // Its thread has started: let it end without its task. The G is not reused (the thread still
                // refers to it until it ends).
                VirtualGs.runOrphan(g);
            } else {
                g.fn = null;
                s.galloc.gFree.put(g);
            }
            s.galloc.nrunnable.decrement();
            s.galloc.ngoroutines.decrement();
        }
        if (!keep.isEmpty()) {
            sched.lock.lock();
            try {
                for (G g : keep) {
                    sched.globrunqputLocked(g);
                }
            } finally {
                sched.lock.unlock();
            }
            s.idle.wakep();
        }
        s.stats.dropped.addAndGet(dropped.size());
        return dropped;
    }

    /** Claims every G in every P's local queue (as a thief would). */
    private void grabLocalQueues(List<G> out) {
        AtomicReferenceArray<G> buf = new AtomicReferenceArray<>(RunQueue.SIZE);
        for (P p : sched.allp) {
            int n;
            while ((n = p.runq.grab(buf, 0, true, false)) > 0) {
                for (int i = 0; i < n; i++) {
                    out.add(buf.get(i));
                }
            }
        }
    }

    /** Moves to STOPPING: idle Ms exit, busy Ms exit after their G; the last one out terminates. */
    void tryTerminate() {
        List<M> wake;
        sched.lock.lock();
        try {
            if (sched.runState >= Sched.STOPPING) {
                return;
            }
            sched.runState = Sched.STOPPING;
            lastMOutLocked();
            wake = sched.mgetAllLocked();
            sched.stateChanged.signalAll();
        } finally {
            sched.lock.unlock();
        }
        for (M m : wake) {
            m.exit = true;
            m.nextp = null;
            m.park.wakeup();
        }
        s.sysmon.wake();
        s.ms.templateThread.wake();
    }

    /**
     * STOPPING with no M left becomes TERMINATED; virtual Gs still queued then can never get an M and run on the
     * JDK's carriers instead. The lock must be held.
     */
    void lastMOutLocked() {
        assert sched.lockHeld();
        if (sched.runState != Sched.STOPPING || sched.allm().length != 0) {
            return;
        }
        sched.runState = Sched.TERMINATED;
        s.timers.close();
        List<G> left = new ArrayList<>();
        sched.globrunqdrainLocked(left);
        grabLocalQueues(left);
        for (G g : left) {
            if (g.vthread != null) {
                VirtualGs.runOrphan(g);
            }
        }
        sched.stateChanged.signalAll();
    }

    boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        sched.lock.lock();
        try {
            while (sched.runState != Sched.TERMINATED) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                sched.stateChanged.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(10)));
            }
        } finally {
            sched.lock.unlock();
        }
        List<Thread> threads;
        sched.lock.lock();
        try {
            threads = new ArrayList<>(s.ms.exiting);
        } finally {
            sched.lock.unlock();
        }
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (t.isAlive()) {
                return false;
            }
        }
        long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        return s.sysmon.join(left) && s.ms.templateThread.join(left);
    }

    boolean terminatedOrStopping() {
        return sched.runState >= Sched.STOPPING && sched.allm().length == 0;
    }
}
