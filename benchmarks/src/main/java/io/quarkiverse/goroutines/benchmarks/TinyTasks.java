package io.quarkiverse.goroutines.benchmarks;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Intent: the pure cost of spawning. {@value #TASKS} tasks that each do a few nanoseconds of work are started, then
 * the benchmark thread waits on a {@link CountDownLatch} until all have run (the join). Nothing blocks, so the score
 * is what it costs an executor to queue, hand out and run a task, and to wake idle workers. One op = one batch.
 * <ul>
 * <li>{@link #outside}: the benchmark thread submits every task, as a request dispatcher (an event loop) does.</li>
 * <li>{@link #inside}: one task, already running on the executor, submits them all (fan-out), as a handler that
 * spawns goroutines does. An executor with per-worker queues (the scheduler's P run queues, {@code ForkJoinPool}'s
 * work queues) can take that path without a shared lock.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TinyTasks extends OnExecutor {
    static final int TASKS = 10_000;
    /** A handful of xorshift steps: a few ns. */
    static final int STEPS = 4;

    @Param({ "gmp", "gmp-virtual", "stock", "tpe", "virtual", "fjp" })
    public String executor;

    @Override
    protected String executor() {
        return executor;
    }

    @Benchmark
    public void outside() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(TASKS);
        spawn(done);
        join(done);
    }

    @Benchmark
    public void inside() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(TASKS);
        pool.execute(() -> spawn(done));
        join(done);
    }

    private void spawn(CountDownLatch done) {
        for (int i = 0; i < TASKS; i++) {
            long seed = i + 1;
            pool.execute(() -> {
                Work.spin(seed, STEPS);
                done.countDown();
            });
        }
    }

    private void join(CountDownLatch done) throws InterruptedException {
        Join.await(done, executor, "batch");
    }
}
