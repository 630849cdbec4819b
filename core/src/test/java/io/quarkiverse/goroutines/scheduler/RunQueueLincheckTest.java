package io.quarkiverse.goroutines.scheduler;

import java.util.ArrayList;
import java.util.List;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of {@link RunQueue} checked by Lincheck, the sequential specification being the queue itself run
 * sequentially.
 * <p>
 * The owner's operations ({@code put}, {@code putNext}, {@code get}) share one non-parallel group, because the queue
 * has a single producer. Thieves call {@link RunQueue#steal} into a fresh, thread-private queue and return the ids they
 * took (the ring part in order, then the G that {@code steal} returned), so each operation's result is a
 * deterministic function of the queue's state.
 * <p>
 * Thieves here never take {@code runnext} ({@code stealRunNext = false}); see {@link RunQueueRunNextLincheckTest} for
 * why.
 */
public class RunQueueLincheckTest {

    private final RunQueue q = new RunQueue();
    /** Written by owner operations only, which Lincheck runs in one thread and in the same order sequentially. */
    private long nextId;

    static G newG(long id) {
        return RunQueueTest.g(id);
    }

    static void noOverflow(List<G> batch) {
        throw new AssertionError("unexpected overflow of " + batch.size() + " Gs");
    }

    @Operation(nonParallelGroup = "owner")
    public long put() {
        long id = ++nextId;
        q.put(newG(id), false, RunQueueLincheckTest::noOverflow);
        return id;
    }

    @Operation(nonParallelGroup = "owner")
    public long putNext() {
        long id = ++nextId;
        q.put(newG(id), true, RunQueueLincheckTest::noOverflow);
        return id;
    }

    /** The id taken, with {@code +} when it inherits the time slice ({@code runnext}); {@code "-"} when empty. */
    @Operation(nonParallelGroup = "owner")
    public String get() {
        RunQueue.Next n = q.get();
        if (n == null) {
            return "-";
        }
        return n.g().id + (n.inheritTime() ? "+" : "");
    }

    @Operation
    public List<Long> steal() {
        return stealInto(q, false);
    }

    @Operation
    public boolean isEmpty() {
        return q.isEmpty();
    }

    /** Steals from {@code victim} into a fresh queue: ids of the Gs left in the thief's ring, then the returned G. */
    static List<Long> stealInto(RunQueue victim, boolean stealRunNext) {
        RunQueue thief = new RunQueue();
        G g = thief.steal(victim, stealRunNext, false);
        List<Long> ids = new ArrayList<>();
        if (g == null) {
            if (!thief.isEmpty()) {
                throw new AssertionError("steal returned null but filled the thief's ring");
            }
            return ids;
        }
        List<G> rest = new ArrayList<>();
        thief.drainTo(rest);
        for (G r : rest) {
            ids.add(r.id);
        }
        ids.add(g.id);
        return ids;
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions()
                .iterations(60)
                .invocationsPerIteration(300)
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(2)
                .actorsAfter(1)
                .check(getClass());
    }

    @Test
    void stress() {
        new StressOptions()
                .iterations(60)
                .invocationsPerIteration(2_000)
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(2)
                .actorsAfter(1)
                .check(getClass());
    }
}
