package io.quarkiverse.goroutines.benchmarks;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Intent: the pure scheduling overhead. One thread submits {@value #TASKS} tasks that each do a few nanoseconds of
 * work, then waits on a {@link CountDownLatch} until all have run. Nothing blocks, so the score is what it costs an
 * executor to queue, hand out and run a task (and to wake idle workers). One op = one batch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TinyTasks {
    static final int TASKS = 10_000;
    /** A handful of xorshift steps: a few ns. */
    static final int STEPS = 4;

    @Param({ "gmp", "stock", "virtual", "fjp" })
    public String executor;

    private ExecutorService pool;

    @Setup
    public void start() {
        pool = Pools.create(executor);
    }

    @TearDown
    public void stop() throws InterruptedException {
        Pools.close(pool);
    }

    @Benchmark
    public void batch() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(TASKS);
        for (int i = 0; i < TASKS; i++) {
            long seed = i + 1;
            pool.execute(() -> {
                Work.spin(seed, STEPS);
                done.countDown();
            });
        }
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(executor + ": batch did not finish in 60 s, " + done.getCount() + " left");
        }
    }
}
