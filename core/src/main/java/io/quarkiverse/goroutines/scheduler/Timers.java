package io.quarkiverse.goroutines.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Timers that the Ms fire themselves (Go's per-P timers: {@code addtimer}, {@code checkTimers},
 * {@code timeSleepUntil}, {@code moveTimers}).
 * <p>
 * A virtual G that sleeps, or parks or waits with a timeout, asks its scheduler for a timeout task. Left to the JDK,
 * that task runs on a thread of its own ({@code VirtualThread-unparker}), which wakes up for every timeout and hands
 * the G back through the global queue: a thread hop and two wake-ups per sleep. From Java 25 on the JDK asks a
 * scheduler that is a {@code ForkJoinPool} for the task ({@link VirtualG#schedule}), and it lands here instead.
 *
 * <h2>Who fires a timer</h2>
 * <ul>
 * <li>The M that owns the timer's P, each time it looks for work ({@link #check}): the woken G goes to the tail of
 * that P's run queue, with no other thread involved. (Go's {@code goready} puts it in {@code runnext}; here a batch of
 * due timers would then let the last G jump every queued one, which cost the p99 of short sleeps.)</li>
 * <li>An M with nothing to run, before it steals or gives its P back ({@link #checkAll}): the Gs come to its P.</li>
 * <li>sysmon, for timers of Ps that nobody runs (idle, or in a syscall), and for any timer overdue by more than
 * {@link #SYSMON_SLACK_NANOS}; it sleeps no longer than until the earliest such deadline ({@link #sysmonDeadline})
 * and is woken by {@link #add} when a new timer is due before it would wake. The Gs it wakes go to the global
 * queue.</li>
 * </ul>
 * After the scheduler has terminated, pending and new timers run on one shared daemon thread ({@link #orphan}), so
 * that a sleeping G still wakes and ends.
 */
final class Timers {
    private static final Logger LOG = Logger.getLogger(Scheduler.class.getName());
    /** How late a timer of a running P may be before sysmon fires it instead of the P's M. */
    static final long SYSMON_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Scheduler s;
    private final Sched sched;
    /** Timers run (fired), by whoever ran them. */
    final AtomicLong fired = new AtomicLong();

    Timers(Scheduler s) {
        this.s = s;
        this.sched = s.sched;
    }

    /**
     * Go's {@code addtimer}: runs {@code task} after {@code delayNanos}. The timer goes to the heap of the caller's P
     * when the caller is an M that owns one (the usual case: the JDK asks from the carrier, right after the G
     * parked), else to P 0's, which always exists.
     */
    Timer add(long delayNanos, Runnable task) {
        long now = System.nanoTime();
        long when = now + Math.max(0, delayNanos);
        if (when - now < 0) {
            when = Long.MAX_VALUE; // saturate: a timeout of centuries
        }
        Timer t = new Timer(when, task);
        M m = Scheduler.CURRENT_M.get();
        P p = m != null && m.sched == s ? m.p : null;
        if (p == null || p.status() != PStatus.RUNNING || p.m != m) {
            p = sched.allp[0];
        }
        if (!p.timers.add(t)) {
            orphan(t);
            return t;
        }
        // The M may give its P up before the timer is due; sysmon must not sleep past it then.
        s.sysmon.wakeForTimer(when);
        return t;
    }

    /**
     * Go's {@code checkTimers}: runs {@code p}'s timers that are due. {@code p} must be owned by the calling M, so
     * that the Gs they wake go to its {@code runnext}.
     *
     * @return whether any timer ran
     */
    boolean check(P p, long now) {
        if (p.timers.next - now > 0) {
            return false;
        }
        return run(p.timers, now);
    }

    /**
     * Runs the due timers of every P for an M that owns {@code mine} and has nothing else to run (Go's
     * {@code stealWork} checks its victims' timers): the Gs they wake come to {@code mine}.
     *
     * @return whether any timer ran
     */
    boolean checkAll(P mine, long now) {
        boolean any = check(mine, now);
        P[] ps = sched.allp;
        for (int i = 0; i < sched.gomaxprocs && i < ps.length; i++) {
            if (ps[i] != mine && ps[i].timers.next - now <= 0) {
                any |= run(ps[i].timers, now);
            }
        }
        return any;
    }

    /** Whether a timer of any P is due at {@code now}; reads only each heap's published deadline. */
    boolean anyDue(long now) {
        P[] ps = sched.allp;
        for (int i = 0; i < sched.gomaxprocs && i < ps.length; i++) {
            long next = ps[i].timers.next;
            if (next != Long.MAX_VALUE && next - now <= 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * sysmon's share: fires the due timers of Ps that no M is running, and timers overdue by more than
     * {@link #SYSMON_SLACK_NANOS} anywhere.
     */

    void sysmonCheck(long now) {
        P[] ps = sched.allp;
        for (int i = 0; i < sched.gomaxprocs && i < ps.length; i++) {
            P p = ps[i];
            long next = p.timers.next;
            if (next - now > 0) {
                continue;
            }
            if (p.status() != PStatus.RUNNING || now - next > SYSMON_SLACK_NANOS) {
                run(p.timers, now);
            }
        }
    }

    /**
     * Go's {@code timeSleepUntil}, for sysmon: the earliest time at which {@link #sysmonCheck} has something to do, or
     * {@link Long#MAX_VALUE}.
     */
    long sysmonDeadline() {
        long min = Long.MAX_VALUE;
        P[] ps = sched.allp;
        for (int i = 0; i < sched.gomaxprocs && i < ps.length; i++) {
            P p = ps[i];
            long next = p.timers.next;
            if (next == Long.MAX_VALUE) {
                continue;
            }
            long d = p.status() == PStatus.RUNNING ? next + SYSMON_SLACK_NANOS : next;
            if (d - min < 0 || min == Long.MAX_VALUE) {
                min = d;
            }
        }
        return min;
    }

    /** Go's {@code moveTimers}: a P is going away; its timers go to {@code to}. The world is stopped. */
    void move(P from, P to) {
        List<Timer> moved = new ArrayList<>();
        from.timers.drainTo(moved, false);
        for (Timer t : moved) {
            if (!to.timers.add(t)) {
                orphan(t);
            }
        }
    }

    /** The scheduler has terminated: every P's pending timers go to the fallback, and so will later ones. */
    void close() {
        List<Timer> left = new ArrayList<>();
        for (P p : sched.allp) {
            p.timers.drainTo(left, true);
        }
        for (Timer t : left) {
            orphan(t);
        }
    }

    private boolean run(TimerHeap h, long now) {
        boolean any = false;
        Timer t;
        while ((t = h.popDue(now)) != null) {
            if (t.claim()) {
                any = true;
                fired.incrementAndGet();
                runTask(t);
            }
        }
        return any;
    }

    private static void runTask(Timer t) {
        try {
            t.task.run();
        } catch (Throwable e) {
            // The JDK's timeout tasks do not throw; one that does must not take an M (or sysmon) with it.
            LOG.log(Level.WARNING, "a timer task failed", e);
        }
    }

    /** Runs {@code t} on the shared fallback thread, for timers of a scheduler that has terminated. */
    static void orphan(Timer t) {
        long delay = t.when - System.nanoTime();
        Orphans.POOL.schedule(() -> {
            if (t.claim()) {
                runTask(t);
            }
        }, Math.max(0, delay), TimeUnit.NANOSECONDS);
    }

    private static final class Orphans {
        static final ScheduledThreadPoolExecutor POOL = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "goroutines-orphan-timers");
            th.setDaemon(true);
            return th;
        });
        static {
            POOL.setRemoveOnCancelPolicy(true);
        }
    }
}
