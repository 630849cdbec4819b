package io.quarkiverse.goroutines.scheduler;

import java.util.concurrent.Executor;

/**
 * The scheduler as one virtual G's thread sees it: the {@link Executor} its builder was given. The thread calls
 * {@link #execute} once when it starts, with its continuation, and once per wake-up after that.
 * <p>
 * One instance per G object, made with the G's first virtual incarnation and reused by later ones (an ended thread
 * never calls again). Binding the executor to the G spares a lookup from continuation to G on every wake-up.
 */
final class VirtualG implements Executor {
    private final Scheduler sched;
    private final G g;

    VirtualG(Scheduler sched, G g) {
        this.sched = sched;
        this.g = g;
    }

    @Override
    public void execute(Runnable continuation) {
        if (g.vregistrar == Thread.currentThread()) {
            // Thread.start from newprocVirtual on this thread: record the continuation; the G is queued after.
            g.fn = continuation;
            g.vregistrar = null;
            return;
        }
        if (continuation == g.fn) {
            sched.virtualGs.ready(g);
            return;
        }
        // A virtual thread that the G's code started (the JDK gives a new virtual thread its parent's scheduler,
        // this object), such as the JDK's own I/O poller threads. It is not a G and must not depend on this
        // scheduler's lifetime: it runs on the shared carriers for such threads.
        VirtualThreads.foreignCarriers().execute(continuation);
    }
}
