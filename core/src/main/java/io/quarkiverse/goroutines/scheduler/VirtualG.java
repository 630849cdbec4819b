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
        if (g.fn == null) {
            g.fn = continuation; // Thread.start: newprocVirtual queues the G once start returns
            return;
        }
        sched.ready(g);
    }
}
