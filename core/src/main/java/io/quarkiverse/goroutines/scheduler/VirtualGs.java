package io.quarkiverse.goroutines.scheduler;

import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Virtual mode: a G is a virtual thread whose continuation the Ms run (spawn, Go's {@code ready} and
 * {@code park_m}).
 *
 * <h2>Contract</h2>
 * The JDK hands us a virtual G's continuation through {@link VirtualG#execute}: once when its thread starts
 * (recorded in {@code g.fn}), then once per wake-up ({@link #ready}). An M runs the continuation in
 * {@code Schedule.execute}; when it returns and the task has not ended, the thread parked or yielded and the M calls
 * {@link #parkVirtual}. The race between a wake-up and the M noticing the park is settled by the G's status word and
 * {@code readyPending}: see {@link G}.
 * <p>
 * After the scheduler has terminated no M is left: a virtual G woken then (or dropped before it ever ran) is run to
 * its end on the JDK's shared carriers, so that its thread ends and joins do not hang.
 */
final class VirtualGs {
    private static final Logger LOG = Logger.getLogger(Scheduler.class.getName());

    private final Scheduler s;

    VirtualGs(Scheduler s) {
        this.s = s;
    }

    /**
     * Virtual mode's {@code newproc}: makes a virtual thread for {@code task} whose scheduler is this G's entry
     * ({@link VirtualG}), starts it (which hands us its continuation without running anything), and queues the G.
     */
    void newproc(Runnable task) {
        G g = s.galloc.newG(null);
        g.task = task;
        g.vdone = false;
        g.vstarted = false;
        g.yielding = false;
        g.readyPending.lazySet(false); // nobody sees the G before a run queue publishes it
        if (g.vbuilder == null) {
            g.vbuilder = VirtualThreads.builder(VirtualG.of(s, g));
            g.vbody = () -> run(g);
        }
        try {
            Thread t = VirtualThreads.unstarted(g.vbuilder, g.vbody);
            t.setName(s.config.goroutineNamePrefix() + g.id); // shown as the thread of the G's log lines
            g.vthread = t;
            g.vregistrar = Thread.currentThread();
            t.start(); // calls VirtualG.execute once, which records the continuation in g.fn
        } catch (RuntimeException | Error e) {
            g.vregistrar = null;
            g.vthread = null;
            g.task = null;
            g.fn = null;
            s.galloc.gfput(null, g);
            s.galloc.unspawn();
            throw new RejectedExecutionException(s.name() + " scheduler could not start a virtual thread", e);
        }
        g.setStatus(GStatus.RUNNABLE);
        s.galloc.runqputCurrent(g, true);
    }

    /**
     * The body of a virtual G's thread: the user's task, with a failure logged as a platform G's is. A G dropped at
     * shutdown before it ran has no task any more and ends at once.
     */
    private void run(G g) {
        Scheduler.CURRENT_VG.set(g);
        try {
            Runnable task = g.task;
            if (task != null) {
                task.run();
            }
        } catch (Throwable t) {
            s.stats.panics.incrementAndGet();
            LOG.log(Level.WARNING, "goroutine " + g.id + " failed; its M carries on", t);
        } finally {
            g.vdone = true;
        }
    }

    /**
     * Go's {@code ready}: the virtual G's thread was unparked (or yielded) and hands its continuation back. A G that
     * is still mounted has not been seen parking by its M yet: the wake-up is left for the M ({@code readyPending}),
     * unless the M finished parking it meanwhile, in which case it is taken back here. See {@link G}.
     */
    void ready(G g) {
        while (true) {
            long w = g.word();
            GStatus st = G.state(w);
            if (st == GStatus.WAITING) {
                if (g.cas(w, GStatus.RUNNABLE)) {
                    enqueueReady(g, null);
                    return;
                }
                continue;
            }
            g.readyPending.set(true);
            if (g.status() != GStatus.WAITING || !g.readyPending.compareAndSet(true, false)) {
                return; // the M claims it when it parks the G
            }
        }
    }

    /**
     * Queues a virtual G that has just become RUNNABLE again. After {@code Go.yield} it goes to the global queue
     * (Gosched). A wake-up its own M claimed goes to the tail of that M's P ({@code tailOf}), so that it does not
     * jump the queue. Any other wake-up goes to the waker's P as {@code runnext} (Go's {@code ready}), or to the
     * global queue when the waker holds no P.
     */
    private void enqueueReady(G g, P tailOf) {
        g.waitReason = null;
        g.queuedNanos = System.nanoTime();
        s.galloc.nrunnable.increment();
        if (g.yielding) {
            s.galloc.globrunqputAndWake(g);
        } else if (tailOf != null) {
            assert tailOf.ownedBy(Scheduler.CURRENT_M.get()) : "ready: the caller does not own " + tailOf;
            tailOf.runq.put(g, false, s.sched::globrunqputBatch);
            s.idle.wakep();
        } else {
            s.galloc.runqputCurrent(g, true);
        }
    }

    /**
     * Go's {@code park_m} for a virtual G whose continuation returned while its task had not: the thread parked (or
     * yielded). The G leaves its M as WAITING; a wake-up that raced in while it was mounted is claimed here and the G
     * queued at once, at the tail of this P's queue (or globally after a yield), so that it does not jump the queue.
     * A detached G (SYSCALL, PREEMPTED) parks the same way, and its M then needs a P again. Runs on {@code m}.
     */
    void parkVirtual(M m, G g) {
        g.waitReason = "park";
        boolean attached = g.leaveM(GStatus.WAITING);
        m.curg = null;
        if (g.readyPending.compareAndSet(true, false) && g.casStatus(GStatus.WAITING, GStatus.RUNNABLE)) {
            // m.curg is null now, so without a P of its own the G goes to the global queue
            enqueueReady(g, attached ? m.p : null);
        }
        if (!attached) {
            s.schedule.reattach(m);
        }
    }

    /**
     * Runs a virtual G's continuation off the scheduler, on the JDK's shared carriers: for a G that can no longer get
     * an M because the scheduler has terminated.
     */
    static void runOrphan(G g) {
        Runnable continuation = g.fn;
        if (continuation != null) {
            VirtualThreads.foreignCarriers().execute(continuation);
        }
    }
}
