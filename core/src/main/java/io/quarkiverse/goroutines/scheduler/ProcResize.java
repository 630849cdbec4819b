package io.quarkiverse.goroutines.scheduler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Changing the number of Ps at run time (Go's {@code stopTheWorld}, {@code procresize}, {@code startTheWorld}).
 *
 * <h2>Contract</h2>
 * One resize at a time ({@link #resizeLock}). While the world is stopped ({@code gcwaiting}) every live P is in
 * GCSTOP and no M holds one, so {@code allp}, {@code gomaxprocs} and the steal order can be replaced under the
 * scheduler lock. A running G is never waited for: it is detached as if in a syscall. Resizing must not run on a
 * virtual G's own thread (it would wait, unmounted, for a world that needs an M to run it).
 */
final class ProcResize {
    private final Scheduler s;
    private final Sched sched;
    private final Object resizeLock = new Object();

    ProcResize(Scheduler s) {
        this.s = s;
        this.sched = s.sched;
    }

    /** See {@link Scheduler#procs(int)}. */
    int procs(int n) {
        if (n < 1 || n > SchedulerConfig.MAX_PROCS || n > s.config.maxThreads()) {
            throw new IllegalArgumentException("procs=" + n + " is out of range: allowed 1.."
                    + Math.min(SchedulerConfig.MAX_PROCS, s.config.maxThreads()));
        }
        M m = Scheduler.CURRENT_M.get();
        if (m != null && m.sched == s && m.curg != null) {
            try {
                return s.syscall(() -> resize(n));
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        if (Scheduler.CURRENT_VG.get() != null) {
            // A platform thread resizes while the G waits, off its M.
            CompletableFuture<Integer> done = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    done.complete(resize(n));
                } catch (Throwable e) {
                    done.completeExceptionally(e);
                }
            }, s.name() + "-procresize");
            t.setDaemon(true);
            t.start();
            try {
                return done.join();
            } catch (CompletionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(c);
            }
        }
        return resize(n);
    }

    private int resize(int n) {
        synchronized (resizeLock) {
            if (sched.runState >= Sched.STOPPING) {
                throw new RejectedExecutionException(s.name() + " scheduler is stopped");
            }
            int old = sched.gomaxprocs;
            if (n == old) {
                return old;
            }
            stopTheWorld();
            try {
                procresize(n);
            } finally {
                startTheWorld();
            }
            s.stats.resizes.incrementAndGet();
            return old;
        }
    }

    /** Stops every P: idle and syscall Ps at once, running Ps when their M next schedules or by detaching. */
    private void stopTheWorld() {
        sched.lock.lock();
        try {
            sched.gcwaiting = true;
            sched.stopwait = sched.gomaxprocs;
            P p;
            while ((p = sched.pidlegetLocked()) != null) {
                p.setStatus(PStatus.GCSTOP);
                sched.stopwait--;
            }
            for (int i = 0; i < sched.gomaxprocs; i++) {
                P q = sched.allp[i];
                if (q.casStatus(PStatus.SYSCALL, PStatus.GCSTOP)) {
                    q.m = null;
                    q.syscalltick++;
                    sched.stopwait--;
                }
            }
        } finally {
            sched.lock.unlock();
        }
        while (true) {
            sched.lock.lock();
            try {
                if (sched.stopwait == 0) {
                    return;
                }
                sched.stateChanged.await(100, TimeUnit.MICROSECONDS);
                if (sched.stopwait == 0) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                sched.lock.unlock();
            }
            // Gs that keep running cannot be preempted: take their Ps as if they were in syscalls.
            for (int i = 0; i < sched.gomaxprocs; i++) {
                P q = sched.allp[i];
                if (q.status() == PStatus.RUNNING && s.syscalls.detachCurrent(q, GStatus.SYSCALL, "stop the world")) {
                    sched.lock.lock();
                    try {
                        if (q.casStatus(PStatus.SYSCALL, PStatus.GCSTOP)) {
                            q.m = null;
                            sched.stopwait--;
                        }
                    } finally {
                        sched.lock.unlock();
                    }
                }
            }
        }
    }

    /** Go's {@code procresize}; the world is stopped. */
    private void procresize(int n) {
        int old = sched.gomaxprocs;
        P[] ps = sched.allp;
        if (n > ps.length) {
            ps = Arrays.copyOf(ps, n);
            for (int i = old; i < n; i++) {
                if (ps[i] == null) {
                    ps[i] = new P(i);
                }
            }
        }
        for (int i = old; i < n; i++) {
            ps[i].setStatus(PStatus.GCSTOP); // new, or DEAD and reused
        }
        List<G> moved = new ArrayList<>();
        for (int i = n; i < old; i++) {
            P p = ps[i];
            p.runq.drainTo(moved);
            s.timers.move(p, ps[0]);
            s.galloc.gFree.putAll(p.gFree);
            p.gFree.clear();
            p.gFreeCount = 0;
            p.m = null;
            p.setStatus(PStatus.DEAD);
        }
        sched.lock.lock();
        try {
            // Removed Ps' work goes to the head of the global queue, in order, ahead of newer work.
            sched.globrunqputHeadLocked(moved);
            sched.allp = ps;
            sched.gomaxprocs = n;
            s.schedule.stealOrder = new Schedule.StealOrder(n);
        } finally {
            sched.lock.unlock();
        }
    }

    private void startTheWorld() {
        List<P> stopped = new ArrayList<>();
        sched.lock.lock();
        try {
            sched.gcwaiting = false;
            for (int i = 0; i < sched.gomaxprocs; i++) {
                P p = sched.allp[i];
                if (p.status() == PStatus.GCSTOP) {
                    p.setStatus(PStatus.IDLE);
                    stopped.add(p);
                }
            }
        } finally {
            sched.lock.unlock();
        }
        for (P p : stopped) {
            s.syscalls.handoffp(p);
        }
        s.idle.wakep();
    }
}
