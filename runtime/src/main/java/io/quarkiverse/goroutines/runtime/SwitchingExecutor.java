package io.quarkiverse.goroutines.runtime;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * An executor handed to a Quarkus or Vert.x user of the worker pool: runs each task as a G while the scheduler is
 * running, and on the stock pool (the fallback) otherwise.
 * <p>
 * Shutdown methods reach the fallback only when {@code ownsFallback} (the Vert.x worker pool, which Vert.x closes);
 * the scheduler itself is never shut down through this view.
 */
public final class SwitchingExecutor extends AbstractExecutorService {

    private final Supplier<? extends Executor> fallback;
    private final boolean ownsFallback;

    public SwitchingExecutor(Supplier<? extends Executor> fallback, boolean ownsFallback) {
        this.fallback = fallback;
        this.ownsFallback = ownsFallback;
    }

    /** A view over the stock Quarkus worker pool, looked up at call time. */
    public static SwitchingExecutor overStockPool() {
        return new SwitchingExecutor(io.quarkus.runtime.ExecutorRecorder::getCurrent, false);
    }

    @Override
    public void execute(Runnable task) {
        GoExecutor go = Goroutines.executor();
        if (go != null) {
            go.execute(task);
        } else {
            fallback.get().execute(task);
        }
    }

    @Override
    public void shutdown() {
        if (ownsFallback && fallback.get() instanceof ExecutorService es) {
            es.shutdown();
        }
    }

    @Override
    public List<Runnable> shutdownNow() {
        if (ownsFallback && fallback.get() instanceof ExecutorService es) {
            return es.shutdownNow();
        }
        return Collections.emptyList();
    }

    @Override
    public boolean isShutdown() {
        return ownsFallback && fallback.get() instanceof ExecutorService es && es.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return ownsFallback && fallback.get() instanceof ExecutorService es && es.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        if (ownsFallback && fallback.get() instanceof ExecutorService es) {
            return es.awaitTermination(timeout, unit);
        }
        return false;
    }
}
