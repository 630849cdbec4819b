package io.quarkiverse.goroutines.benchmarks;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.quarkiverse.goroutines.Chan;

/**
 * Intent: the cost of {@link Chan} between two tasks of an executor, next to Go's channels (the program
 * {@code benchmarks/go/chan}, run right after JMH by {@code benchmarks/run-jmh.sh}).
 * <ul>
 * <li>{@link #pingPong}: two tasks pass a token back and forth over two unbuffered channels; the score is the time
 * of one round trip (two rendezvous, two wake-ups).</li>
 * <li>{@link #buffered}: a producer sends {@value #MESSAGES} values into a channel of capacity {@value #CAPACITY},
 * a consumer takes them; the score is the time per message.</li>
 * </ul>
 * Both ends are tasks of the executor under test; the benchmark thread only starts them and waits for the end.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class Channels extends OnExecutor {
    static final int ROUND_TRIPS = 10_000;
    static final int MESSAGES = 100_000;
    static final int CAPACITY = 128;

    @Param({ "gmp", "gmp-virtual", "stock", "virtual", "fjp" })
    public String executor;

    @Override
    protected String executor() {
        return executor;
    }

    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void pingPong() throws InterruptedException {
        Chan<Integer> ping = Chan.make();
        Chan<Integer> pong = Chan.make();
        CountDownLatch done = new CountDownLatch(2);
        run(done, () -> {
            for (Integer v : ping) {
                pong.send(v);
            }
        });
        run(done, () -> {
            for (int i = 0; i < ROUND_TRIPS; i++) {
                ping.send(i);
                pong.receive();
            }
            ping.close();
        });
        Join.await(done, executor, "ping-pong");
        Join.check(failure, executor);
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void buffered() throws InterruptedException {
        Chan<Integer> c = Chan.make(CAPACITY);
        CountDownLatch done = new CountDownLatch(2);
        run(done, () -> {
            long sum = 0;
            for (Integer v : c) {
                sum += v;
            }
            Work.sink = sum == -1 ? sum : Work.sink;
        });
        run(done, () -> {
            for (int i = 0; i < MESSAGES; i++) {
                c.send(i);
            }
            c.close();
        });
        Join.await(done, executor, "producer/consumer");
        Join.check(failure, executor);
    }

    private void run(CountDownLatch done, Runnable task) {
        pool.execute(() -> {
            try {
                task.run();
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                done.countDown();
            }
        });
    }
}
