package io.quarkiverse.goroutines.benchmarks;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Intent: the cost of not handing off, paid by the tasks that do not block. One thread submits {@value #TASKS}
 * tasks of ~50 µs fixed CPU work; every tenth then sleeps {@value #BLOCK_MILLIS} ms in {@link Thread#sleep},
 * unannounced. The score is the time until the other 900 are done (lower is better); the blockers are awaited after
 * the measured part, between invocations.
 * <p>
 * Reference points on 2 CPUs: the CPU part of all 1,000 tasks takes {@code 1000 × 50 µs / 2 = 25 ms}, so an
 * executor whose blocked tasks never hold a CPU finishes the others in about 25 ms. One that keeps a worker for
 * each sleep ({@code fjp} with 2 workers) adds up to {@code 100 × 1 ms / 2 = 50 ms}; the G/M/P scheduler adds its
 * detection and hand-off latency per blocked task.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class OneInTenBlocks extends OnExecutor {
    static final int TASKS = 1_000;
    static final int BLOCKERS = TASKS / 10;
    static final long BLOCK_MILLIS = 1;

    @Param({ "gmp", "gmp-virtual", "stock", "tpe", "virtual", "fjp" })
    public String executor;

    @Override
    protected String executor() {
        return executor;
    }

    private CountDownLatch blockers;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    @Benchmark
    public void others() throws InterruptedException {
        CountDownLatch others = new CountDownLatch(TASKS - BLOCKERS);
        CountDownLatch blocked = new CountDownLatch(BLOCKERS);
        blockers = blocked;
        for (int i = 0; i < TASKS; i++) {
            long seed = i + 1;
            boolean blocks = i % 10 == 0;
            pool.execute(() -> {
                try {
                    Work.spin(seed, SpinCost.STEPS_50US);
                    if (blocks) {
                        Thread.sleep(BLOCK_MILLIS);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    (blocks ? blocked : others).countDown();
                }
            });
        }
        Join.await(others, executor, "others");
    }

    /** The blockers of the batch just measured finish outside the measured time, before the next batch. */
    @TearDown(Level.Invocation)
    public void drainBlockers() throws InterruptedException {
        Join.await(blockers, executor, "blockers");
        Join.check(failure, executor);
    }
}
