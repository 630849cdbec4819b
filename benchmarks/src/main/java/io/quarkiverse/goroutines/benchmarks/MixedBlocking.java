package io.quarkiverse.goroutines.benchmarks;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

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

import io.quarkiverse.goroutines.Go;

/**
 * Intent: a request-handler-like mix of CPU and blocking, scaled down from an HTTP load of 50 µs CPU + 50 ms wait
 * per request. One thread submits {@value #TASKS} tasks; each spins ~50 µs of fixed CPU work, then sleeps
 * {@value #SLEEP_MILLIS} ms in {@link Thread#sleep} — a blocking call nobody announced, as in ordinary library code.
 * The score is the time until the whole batch is done (lower is better).
 * <p>
 * Lower bounds on 2 CPUs: the CPU part alone takes {@code 1000 × 50 µs / 2 ≈ 25 ms}; with at most 200 threads
 * ({@code stock}) the sleeps alone take {@code 1000 / 200 × 5 ms = 25 ms}. An executor that keeps a thread pinned
 * while it sleeps ({@code fjp}) needs {@code 1000 × 5 ms / 2 = 2.5 s}.
 * <p>
 * {@code gmp-syscall} is the G/M/P scheduler again, with the sleep announced through {@link Go#syscall}: it shows what
 * announcing saves over having sysmon detect the block.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
// A batch takes 0.1-3 s, so iterations are 2 s; the scheduler's M count needs a few batches to settle.
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class MixedBlocking extends OnExecutor {
    static final int TASKS = 1_000;
    /** xorshift steps for ~50 µs of CPU work (≈ 1.5 ns a step on the reference machine; see {@link SpinCost}). */
    static final int CPU_STEPS = SpinCost.STEPS_50US;
    static final long SLEEP_MILLIS = 5;

    @Param({ "gmp", "gmp-syscall", "gmp-virtual", "stock", "tpe", "virtual", "fjp" })
    public String executor;

    @Override
    protected String executor() {
        return executor;
    }

    @Benchmark
    public void batch() throws Exception {
        CountDownLatch done = new CountDownLatch(TASKS);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < TASKS; i++) {
            long seed = i + 1;
            pool.execute(() -> {
                try {
                    Work.spin(seed, CPU_STEPS);
                    if (announced()) {
                        Go.syscall(() -> Thread.sleep(SLEEP_MILLIS));
                    } else {
                        Thread.sleep(SLEEP_MILLIS);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            });
        }
        Join.await(done, executor, "batch");
        Join.check(failure, executor);
    }
}
