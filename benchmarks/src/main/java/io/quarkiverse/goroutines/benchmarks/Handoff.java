package io.quarkiverse.goroutines.benchmarks;

import java.io.FileWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import io.quarkiverse.goroutines.Go;

/**
 * Intent: hand-off latency, the time from a task blocking to the next task queued behind it starting to run.
 * <p>
 * One op: {@code CPUS} blockers start and spin until all are running, so every P (every worker of a 2-worker pool,
 * every carrier) is busy. Each then spawns a follower from inside, which for the scheduler lands in its own P's
 * {@code runnext} slot, notes the time, and sleeps {@value #BLOCK_MILLIS} ms: unannounced ({@code gmp}), or inside
 * {@link Go#syscall} ({@code gmp-syscall}). A follower notes when it starts; the sample is the difference, 0 when the
 * follower started first (a pool with idle threads). Without any hand-off the follower waits for the whole sleep, so
 * a sample near {@value #BLOCK_MILLIS} ms means "not handed off".
 * <p>
 * JMH's score is the mean time of one op (the sleep dominates it). The samples of the measured iterations are kept
 * in an array and their p50, p90, p99 and maximum printed at the end of the trial as
 * {@code [handoff] executor=… p50_us=…}; with {@code -Dhandoff.csv=FILE} (e.g. through {@code -jvmArgsAppend}) the same
 * line is appended to FILE as CSV.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class Handoff extends OnExecutor {
    static final long BLOCK_MILLIS = 5;

    @Param({ "gmp", "gmp-syscall", "gmp-virtual", "stock", "tpe", "virtual", "fjp" })
    public String executor;

    @Override
    protected String executor() {
        return executor;
    }

    private boolean measuring;
    /** Samples in ns; appended to by the benchmark thread only, after each op's tasks are done. */
    private long[] samples = new long[4096];
    private int nsamples;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
        measuring = params.getType() == IterationType.MEASUREMENT;
    }

    @Benchmark
    public void handoff() throws InterruptedException {
        int n = Pools.CPUS;
        AtomicInteger running = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(2 * n);
        long[] blockedAt = new long[n];
        long[] startedAt = new long[n];
        for (int i = 0; i < n; i++) {
            int k = i;
            pool.execute(() -> {
                try {
                    running.incrementAndGet();
                    while (running.get() < n) {
                        Thread.onSpinWait(); // every P is held by a blocker once this loop ends
                    }
                    pool.execute(() -> {
                        startedAt[k] = System.nanoTime();
                        done.countDown();
                    });
                    blockedAt[k] = System.nanoTime();
                    if (announced()) {
                        Go.syscall(() -> Thread.sleep(BLOCK_MILLIS));
                    } else {
                        Thread.sleep(BLOCK_MILLIS);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            });
        }
        Join.await(done, executor, "op");
        Join.check(failure, executor);
        if (measuring) {
            for (int i = 0; i < n; i++) {
                add(Math.max(0, startedAt[i] - blockedAt[i]));
            }
        }
    }

    private void add(long nanos) {
        if (nsamples == samples.length) {
            samples = Arrays.copyOf(samples, 2 * nsamples);
        }
        samples[nsamples++] = nanos;
    }

    @TearDown
    public void report() throws IOException {
        long[] s = Arrays.copyOf(samples, nsamples);
        Arrays.sort(s);
        String line = String.format("[handoff] executor=%s samples=%d p50_us=%.1f p90_us=%.1f p99_us=%.1f max_us=%.1f",
                executor, s.length, pct(s, 50), pct(s, 90), pct(s, 99), s.length == 0 ? 0 : s[s.length - 1] / 1e3);
        System.out.println();
        System.out.println(line);
        String csv = System.getProperty("handoff.csv");
        if (csv != null) {
            try (PrintWriter w = new PrintWriter(new FileWriter(csv, true))) {
                w.printf("%s,%d,%.1f,%.1f,%.1f,%.1f%n", executor, s.length, pct(s, 50), pct(s, 90), pct(s, 99),
                        s.length == 0 ? 0 : s[s.length - 1] / 1e3);
            }
        }
    }

    /** The p-th percentile in µs (nearest rank); 0 without samples. */
    private static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e3;
    }
}
