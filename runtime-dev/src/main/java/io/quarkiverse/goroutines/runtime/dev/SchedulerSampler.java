package io.quarkiverse.goroutines.runtime.dev;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.jboss.logging.Logger;

import io.quarkiverse.goroutines.runtime.GoExecutor;
import io.quarkiverse.goroutines.runtime.Goroutines;
import io.quarkiverse.goroutines.scheduler.SchedSnapshot;
import io.quarkiverse.goroutines.scheduler.Scheduler;
import io.quarkiverse.goroutines.scheduler.SchedulerConfig;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;

/**
 * The one source of every live view: a daemon thread that takes a scheduler snapshot {@link #PERIOD_MILLIS} apart,
 * keeps the last one and a few minutes of history, and broadcasts it.
 * <p>
 * Implementation notes: however many pages are open, the scheduler is sampled once per period, on this thread and
 * never on the scheduler's own Ms or on the worker pool it replaces; subscribers only receive the shared result.
 * A stream that a closed page never cancelled costs one more delivery of the same object, not one more snapshot.
 * The thread also prints the {@code SCHED} line every second while the Controls page has turned tracing on.
 */
final class SchedulerSampler {

    static final long PERIOD_MILLIS = 250;
    /** History kept for the Timeline page: five minutes. */
    static final int HISTORY = (int) (5 * 60 * 1000 / PERIOD_MILLIS);
    private static final long TRACE_EVERY = 1000 / PERIOD_MILLIS;
    private static final Logger TRACE = Logger.getLogger("io.quarkiverse.goroutines.schedtrace");

    private final BroadcastProcessor<SchedulerView> views = BroadcastProcessor.create();
    private final ArrayDeque<SchedulerView.Point> history = new ArrayDeque<>(HISTORY);
    private volatile SchedulerView latest = SchedulerView.STOPPED;
    private volatile boolean tracing;
    private volatile boolean stopped;
    private Thread thread;

    synchronized void start() {
        Thread t = new Thread(this::loop, "goroutines-devui-sampler");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    void stop() {
        stopped = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
        views.onComplete();
    }

    /** Every view from now on; the same object goes to every subscriber. */
    BroadcastProcessor<SchedulerView> views() {
        return views;
    }

    SchedulerView latest() {
        return latest;
    }

    /** The recorded points, oldest first. */
    List<SchedulerView.Point> history() {
        synchronized (history) {
            return new ArrayList<>(history);
        }
    }

    void tracing(boolean on) {
        tracing = on;
    }

    boolean tracing() {
        return tracing;
    }

    private void loop() {
        long tick = 0;
        while (!stopped) {
            SchedulerView v = sample();
            latest = v;
            SchedulerView.Point p = v.point(System.currentTimeMillis());
            if (p != null) {
                synchronized (history) {
                    if (history.size() == HISTORY) {
                        history.removeFirst();
                    }
                    history.addLast(p);
                }
            }
            if (tracing && tick++ % TRACE_EVERY == 0) {
                Scheduler s = scheduler();
                if (s != null) {
                    TRACE.info(s.schedtrace(s.config().scheddetail()));
                }
            }
            views.onNext(v);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS));
        }
    }

    static Scheduler scheduler() {
        GoExecutor go = Goroutines.executor();
        return go == null ? null : go.scheduler();
    }

    static SchedulerView sample() {
        Scheduler s = scheduler();
        if (s == null) {
            return SchedulerView.STOPPED;
        }
        SchedSnapshot snap = s.snapshot();
        int gs = snap.goroutines();
        List<String> mStates = snap.ms().stream().map(SchedSnapshot.MInfo::state).toList();
        return new SchedulerView(true, snap.procs() + " Ps · " + gs + " Gs", gs, maxProcs(s), snap, mStates,
                snap.counters().preemptions(), snap.shedding());
    }

    /** The largest {@code procs} a resize accepts. */
    static int maxProcs(Scheduler s) {
        return Math.min(SchedulerConfig.MAX_PROCS, s.config().maxThreads());
    }
}
