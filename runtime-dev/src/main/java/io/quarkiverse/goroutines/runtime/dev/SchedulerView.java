package io.quarkiverse.goroutines.runtime.dev;

import java.util.List;
import java.util.Map;

import io.quarkiverse.goroutines.scheduler.SchedSnapshot;

/**
 * What the Scheduler page shows at one moment: the scheduler's snapshot plus the totals the page and the card label
 * need. {@code running} is false when the scheduler is disabled or stopped; the other fields are then empty.
 *
 * @param running whether a scheduler runs
 * @param label the card label, e.g. {@code 2 Ps · 37 Gs}
 * @param goroutines live Gs (Go's {@code runtime.NumGoroutine})
 * @param maxProcs the largest {@code procs} a resize accepts
 * @param snapshot Ps, Ms, Gs by state, queues and counters, or {@code null}
 * @param mStates what each M of the snapshot does ({@link SchedSnapshot.MInfo#state()}), in the same order
 * @param preemptions Gs that lost their P after holding it a whole slice, since start
 * @param shedding whether new requests are refused for queueing delay (503 with {@code Retry-After})
 */
public record SchedulerView(boolean running, String label, int goroutines, int maxProcs, SchedSnapshot snapshot,
        List<String> mStates, long preemptions, boolean shedding) {

    static final SchedulerView STOPPED = new SchedulerView(false, "stopped", 0, 0, null, List.of(), 0, false);

    /**
     * One point of the Timeline page.
     *
     * @param t milliseconds since the epoch
     * @param runq run-queue length of each P, by P id
     * @param global the global run queue length
     * @param gs live Gs by state
     */
    public record Point(long t, int[] runq, int global, Map<String, Integer> gs) {
    }

    /** The page's point for this view, or {@code null} when nothing runs. */
    Point point(long t) {
        if (snapshot == null) {
            return null;
        }
        List<SchedSnapshot.PInfo> ps = snapshot.ps();
        int[] runq = new int[ps.size()];
        for (int i = 0; i < runq.length; i++) {
            runq[i] = ps.get(i).runqsize();
        }
        return new Point(t, runq, snapshot.globalRunqueue(), GoroutineList.live(snapshot));
    }
}
