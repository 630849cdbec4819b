package io.quarkiverse.goroutines.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The M loop: finding a G and running it (Go's {@code schedule}, {@code findRunnable}, {@code stealWork},
 * {@code execute}, {@code goexit0}, {@code gcstopm}).
 *
 * <h2>Contract</h2>
 * Every method here runs on an M's own thread, for that M, which holds a P on entry unless said otherwise. Only
 * that M touches its P's {@code schedtick}, {@code sliceStart} and the producer end of its run queue.
 *
 * <h2>Fairness</h2>
 * A G readied by a running G goes into {@code runnext} and inherits the current time slice, so a pair of Gs that
 * hand work to each other runs as one. Such a chain is cut after {@link #SLICE_NANOS} when anything else waits (Go's
 * sysmon preempts it): its next G goes to the tail of the global queue, as Go's {@code gopreempt_m} sends a preempted
 * G there, so that a G woken by a thread with no P (a timer) waits about a slice, not 61 of them.
 * Every {@value #GLOBAL_FAIRNESS_TICKS}th tick takes a G from the global queue first, and so does every tick while
 * the global queue's oldest G has waited longer than {@link #GLOBAL_WAIT_NANOS} and longer than the oldest G of the
 * P's own queue ({@link #globalFirst}). Due timers are fired first of all,
 * by the P's own M ({@link Timers#check}), and those of every P before an idle M steals ({@link Timers#checkAll}).
 */
final class Schedule {
    private static final Logger LOG = Logger.getLogger(Scheduler.class.getName());
    /** Every 61st schedule tick takes a G from the global queue first (Go's fairness constant). */
    static final int GLOBAL_FAIRNESS_TICKS = 61;
    static final int STEAL_TRIES = 4;
    /**
     * How long the oldest G of the global queue may wait before every P takes from the global queue first. Go's
     * fairness tick alone lets a P whose local queue keeps refilling (timers, wake-ups) serve the global queue only
     * once in 61 Gs: under a sustained backlog new work then waits seconds while readied Gs pass it.
     */
    static final long GLOBAL_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** A time slice shared by a chain of runnext Gs (Go's {@code forcePreemptNS}). */
    static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /**
     * How long a spinning M that found nothing keeps looking before it gives its P back ({@link #spinForWork}). At
     * most half the busy Ps have a spinning M, and each spins this long once per search, so the CPU it costs is
     * bounded by the rate at which Ps run dry.
     */
    static final long IDLE_SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private final Scheduler s;
    private final Sched sched;
    /** The random coprime visiting order of Ps for stealing; replaced by {@code procresize}. */
    volatile StealOrder stealOrder;

    Schedule(Scheduler s) {
        this.s = s;
        this.sched = s.sched;
        this.stealOrder = new StealOrder(sched.gomaxprocs);
    }

    /**
     * One round of Go's {@code schedule}: find a G and run it.
     *
     * @return false when the M must exit
     */
    boolean schedule(M m) {
        RunQueue.Next next = findRunnable(m);
        if (next == null) {
            return false;
        }
        if (m.spinning) {
            s.idle.resetspinning(m);
        }
        G g = next.g();
        long now = System.nanoTime();
        if (!next.inheritTime()) {
            // A G from runnext skipped the queues: its short wait says nothing about theirs.
            s.admission.dequeued(now - g.queuedNanos, now);
        }
        if (g.lockedm != null) {
            // A started G waits on its own M: hand our P over and park (Go's startlockedm).
            P p = m.p;
            if (!next.inheritTime()) {
                p.schedtick++;
                p.sliceStart = now;
            }
            m.releasep();
            p.setStatus(PStatus.IDLE);
            Sched.handToLockedM(g, p);
            return s.ms.stopm(m);
        }
        execute(m, g, next.inheritTime(), now);
        return true;
    }

    /**
     * Go's {@code findRunnable}: returns a G for {@code m} to run, parking the M while there is none. Returns null
     * when the M must exit.
     */
    private RunQueue.Next findRunnable(M m) {
        boolean spun = false;
        while (true) {
            P p = m.p;
            if (p == null) {
                return null;
            }
            assert p.ownedBy(m) : "findRunnable: " + m + " does not own " + p;
            if (sched.gcwaiting) {
                if (!gcstopm(m)) {
                    return null;
                }
                continue;
            }
            long now = System.nanoTime();
            if (p.timers.next != Long.MAX_VALUE) {
                s.timers.check(p, now); // Go's checkTimers: the Gs it wakes go to this P
            }
            if (sched.runqsize > 0 && (p.schedtick % GLOBAL_FAIRNESS_TICKS == 0 || globalFirst(p, now))) {
                G g = sched.globrunqget(p, 1);
                if (g != null) {
                    return new RunQueue.Next(g, false);
                }
            }
            RunQueue.Next local = p.runq.get();
            if (local != null) {
                if (local.inheritTime() && now - p.sliceStart > SLICE_NANOS
                        && (!p.runq.isEmpty() || sched.runqsize > 0)) {
                    // A chain of Gs handing runnext to each other (spawn-and-exit, ping-pong) has used up a whole
                    // slice while others wait: cut it, as Go's preemption does (gopreempt_m queues the G globally).
                    sched.globrunqput(local.g());
                    continue; // the local ring, or the global queue's older Gs, come first now
                }
                return local;
            }
            if (sched.runqsize > 0) {
                G g = sched.globrunqget(p, 0);
                if (g != null) {
                    return new RunQueue.Next(g, false);
                }
            }
            if (s.timers.checkAll(p, now)) {
                continue; // due timers of other Ps woke Gs onto this one
            }
            int procs = sched.gomaxprocs;
            if (m.spinning || 2 * sched.nmspinning.get() < procs - sched.npidle.get()) {
                if (!m.spinning) {
                    s.idle.becomeSpinning(m);
                }
                G g = stealWork(p);
                if (g != null) {
                    return new RunQueue.Next(g, false);
                }
                if (sched.gcwaiting) {
                    continue;
                }
            }
            if (m.spinning && !spun) {
                spun = true;
                if (spinForWork(p)) {
                    continue; // something arrived while we spun: take it, or steal it, from the top
                }
            }
            // Nothing to do: give the P back.
            sched.lock.lock();
            try {
                if (sched.gcwaiting) {
                    continue;
                }
                if (sched.runqsize > 0) {
                    return new RunQueue.Next(sched.globrunqgetLocked(p, 0), false);
                }
                if (!p.runq.isEmpty()) {
                    continue; // a thief put back nothing, but runnext may have been set by a finishing G
                }
                if (!m.spinning && sched.needspinning) {
                    // A wakep found work but no idle P, and relies on an M like this one to look for it.
                    s.idle.becomeSpinning(m);
                    continue;
                }
                sched.pidleputLocked(m.releasep());
            } finally {
                sched.lock.unlock();
            }
            long timer = p.timers.next;
            if (timer != Long.MAX_VALUE) {
                s.sysmon.wakeForTimer(timer); // nobody runs this P now: its timers are sysmon's to fire on time
            }
            s.admission.drained();
            if (m.spinning) {
                // Decrement first, then recheck: a submitter that saw nmspinning > 0 did not wake anyone.
                s.idle.dropspinning(m);
                if (s.idle.anyWork()) {
                    P again = sched.pidleget();
                    if (again != null) {
                        m.acquirep(again);
                        s.idle.becomeSpinning(m);
                        continue;
                    }
                }
            }
            if (!s.ms.stopm(m)) {
                return null;
            }
        }
    }

    /**
     * Whether the global queue's oldest G has waited longer than {@link #GLOBAL_WAIT_NANOS} and longer than the
     * oldest G of {@code p}'s own queue ({@code runnext} included): then it goes first. Under a sustained backlog the
     * global queue's head is always older than 10 ms, and taking it first every time starved the local queue: in
     * virtual mode with 1,000 connections pinned in native calls, dozens of Gs sat in the local queues for 5 s and
     * more while hundreds passed through the global one, among them Gs readied into {@code runnext} that held a lock
     * others waited for (p99 3.5 s). Comparing the two heads serves both in the order they arrived.
     */
    private boolean globalFirst(P p, long now) {
        long global = sched.runqHeadQueued;
        return now - global > GLOBAL_WAIT_NANOS && global - p.runq.headQueued(now) <= 0;
    }

    /**
     * A spinning M that found nothing stays spinning a little longer before it gives its P back: it watches every run
     * queue, the due timers and stop-the-world for up to {@link #IDLE_SPIN_NANOS}, yielding the core now and then.
     * While it spins, {@code nmspinning > 0}, so a submitter's {@link Idle#wakep} wakes nobody: work that arrives in
     * bursts a few microseconds apart is taken without a park and an unpark (a futex wait and wake, and two context
     * switches, each costing more than a small G). Go parks at once here; {@link #IDLE_SPIN_NANOS} says what bounds
     * the CPU this costs. Measured with 10,000 small Gs spawned by one G (JMH {@code TinyTasks.inside}), together with
     * the spinning {@link SchedLock}: 316 → 400 batches/s, and M parks per batch from ~50 to ~1.
     *
     * @return true when there may be something to run (or stop-the-world is pending), false when the time ran out
     */
    private boolean spinForWork(P p) {
        long deadline = System.nanoTime() + IDLE_SPIN_NANOS;
        for (int i = 1;; i++) {
            if (sched.gcwaiting || !p.runq.isEmpty() || s.idle.anyWork()) {
                return true;
            }
            if ((i & 31) == 0) {
                long now = System.nanoTime();
                if (s.timers.anyDue(now)) {
                    return true;
                }
                if (now - deadline > 0) {
                    return false;
                }
                Thread.yield(); // an event loop that shares this core gets it: it makes the work we wait for
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Go's {@code stealWork}: up to 4 rounds over all Ps in a random order with a stride coprime to {@code procs};
     * takes half of the first non-empty queue found. Only the last round may take a victim's {@code runnext}.
     */
    private G stealWork(P p) {
        P[] ps = sched.allp;
        int procs = sched.gomaxprocs;
        StealOrder order = stealOrder;
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int round = 0; round < STEAL_TRIES; round++) {
            boolean last = round == STEAL_TRIES - 1;
            int pos = rnd.nextInt(order.count);
            int inc = order.coprimes[rnd.nextInt(order.coprimes.length)];
            for (int i = 0; i < order.count; i++, pos = (pos + inc) % order.count) {
                if (sched.gcwaiting) {
                    return null;
                }
                if (pos >= procs) {
                    continue;
                }
                P victim = ps[pos];
                if (victim == p) {
                    continue;
                }
                PStatus vs = victim.status();
                if (vs == PStatus.IDLE || vs == PStatus.DEAD) {
                    continue;
                }
                if (!victim.runq.isEmpty()) {
                    G g = p.runq.steal(victim.runq, last, vs == PStatus.RUNNING);
                    if (g != null) {
                        p.steals++;
                        return g;
                    }
                }
            }
        }
        return null;
    }

    /** Go's {@code execute}: run {@code g} on {@code m}, then {@code goexit}. */
    private void execute(M m, G g, boolean inheritTime, long now) {
        P p = m.p;
        m.curg = g;
        g.m = m;
        if (!inheritTime) {
            p.schedtick++;
            p.sliceStart = now;
        }
        s.galloc.nrunnable.decrement();
        long w = g.word();
        if (G.state(w) != GStatus.RUNNABLE || G.scanning(w) || !g.startRunning(w, now)) {
            throw new IllegalStateException("execute: " + g + " is not runnable");
        }
        g.waitReason = null;
        Thread.interrupted(); // an interrupt that arrived between Gs belongs to none of them
        if (g.vthread != null) {
            g.vstarted = true;
            g.fn.run(); // the continuation: runs the virtual thread until it parks, yields or ends; never throws
            if (!g.vdone) {
                Thread.interrupted();
                s.virtualGs.parkVirtual(m, g);
                return;
            }
        } else {
            try {
                g.fn.run();
            } catch (Throwable t) {
                s.stats.panics.incrementAndGet();
                LOG.log(Level.WARNING, "goroutine " + g.id + " failed; its M carries on", t);
            }
        }
        Thread.interrupted(); // an interrupt meant for this G must not hit the next one
        goexit(m, g);
    }

    /**
     * Go's {@code goexit0}: the G is dead. If it was detached while running, its M has no P and must find one (or
     * park) before it can schedule again.
     */
    private void goexit(M m, G g) {
        boolean attached = g.leaveM(GStatus.DEAD);
        g.fn = null;
        g.task = null;
        g.vthread = null;
        g.lockedm = null;
        g.m = null;
        g.waitReason = null;
        m.curg = null;
        s.stats.gCompleted.increment();
        s.galloc.gfput(attached ? m.p : null, g);
        s.galloc.gdead();
        if (!attached) {
            reattach(m);
        }
    }

    /**
     * An M whose G lost its P and no longer runs (finished, or parked in virtual mode): take the old P back if it is
     * still free for the taking, else park until a P is handed to it ({@link Ms#stopm} takes an idle P itself when
     * work is queued).
     */
    void reattach(M m) {
        if (!s.syscalls.takeOldP(m) && !s.ms.stopm(m)) {
            m.exit = true;
        }
    }

    /** Go's {@code gcstopm}: stop-the-world is pending; give the P to it and park. */
    private boolean gcstopm(M m) {
        if (m.spinning) {
            s.idle.dropspinning(m);
        }
        sched.lock.lock();
        try {
            sched.pidleputLocked(m.releasep()); // with gcwaiting set this stops the P and counts it
        } finally {
            sched.lock.unlock();
        }
        return s.ms.stopm(m);
    }

    /** The random coprime visiting order of Ps for stealing (Go's {@code randomOrder}). */
    static final class StealOrder {
        final int count;
        final int[] coprimes;

        StealOrder(int count) {
            this.count = count;
            List<Integer> c = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                if (gcd(i, count) == 1) {
                    c.add(i);
                }
            }
            this.coprimes = c.stream().mapToInt(Integer::intValue).toArray();
        }

        private static int gcd(int a, int b) {
            while (b != 0) {
                int t = a % b;
                a = b;
                b = t;
            }
            return a;
        }
    }
}
