package io.quarkiverse.goroutines.benchmarks;

import java.util.concurrent.ExecutorService;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The JMH state every benchmark shares: the executor named by the subclass's {@code executor} parameter (see
 * {@link Pools}), started before a trial and stopped after it. {@code gmp-syscall} runs on the {@code gmp} scheduler;
 * the benchmark announces its blocking calls ({@link #announced()}).
 */
@State(Scope.Benchmark)
public abstract class OnExecutor {
    /** Started in {@link #startPool()}; read by the benchmark methods. */
    protected ExecutorService pool;

    /** The value of the subclass's {@code executor} parameter. */
    protected abstract String executor();

    /** True for {@code gmp-syscall}: blocking calls go through {@code Go.syscall}. */
    protected boolean announced() {
        return executor().equals("gmp-syscall");
    }

    @Setup
    public void startPool() {
        pool = Pools.create(announced() ? "gmp" : executor());
    }

    @TearDown
    public void stopPool() throws InterruptedException {
        Pools.close(pool);
    }
}
