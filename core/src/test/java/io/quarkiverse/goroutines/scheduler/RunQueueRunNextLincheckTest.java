package io.quarkiverse.goroutines.scheduler;

import java.util.List;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

public class RunQueueRunNextLincheckTest {

    private final RunQueue q = new RunQueue();
    private long nextId;

    @Operation(nonParallelGroup = "owner")
    public long put() {
        long id = ++nextId;
        q.put(RunQueueLincheckTest.newG(id), false, RunQueueLincheckTest::noOverflow);
        return id;
    }

    @Operation(nonParallelGroup = "owner")
    public long putNext() {
        long id = ++nextId;
        q.put(RunQueueLincheckTest.newG(id), true, RunQueueLincheckTest::noOverflow);
        return id;
    }

    @Operation(nonParallelGroup = "owner")
    public String get() {
        RunQueue.Next n = q.get();
        if (n == null) {
            return "-";
        }
        return n.g().id + (n.inheritTime() ? "+" : "");
    }

    @Operation
    public List<Long> stealRunNext() {
        return RunQueueLincheckTest.stealInto(q, true);
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions()
                .iterations(60)
                .invocationsPerIteration(300)
                .threads(2)
                .actorsPerThread(3)
                .actorsBefore(1)
                .actorsAfter(1)
                .check(getClass());
    }
}
