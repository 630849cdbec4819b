package io.quarkiverse.goroutines.runtime;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;

import io.vertx.core.impl.VertxBuilder;
import io.vertx.core.spi.ExecutorServiceFactory;
import io.vertx.core.spi.VertxServiceProvider;

/**
 * Sends the Vert.x worker pool to the scheduler: {@code executeBlocking}, {@code @Blocking} reactive routes,
 * {@code @ConsumeEvent(blocking = true)} and {@code @Scheduled} jobs.
 * <p>
 * Why an internal type: Vert.x has no public hook for its worker pool. {@link VertxBuilder} is internal to Vert.x
 * 4.5; its {@code executorServiceFactory} is the only place where the pool is made. Quarkus loads this provider from
 * {@code META-INF/services} after it installed its own factory, so we wrap Quarkus's factory. Only the first executor a
 * Vert.x instance creates is its worker pool; later ones are internal or named pools and stay as they are.
 */
public class VertxWorkerPoolProvider implements VertxServiceProvider {

    @Override
    public void init(VertxBuilder builder) {
        ExecutorServiceFactory quarkus = builder.executorServiceFactory();
        builder.executorServiceFactory(new WorkerPoolFactory(quarkus != null ? quarkus : ExecutorServiceFactory.INSTANCE));
    }

    /** Wraps the first pool made, the worker pool, in a {@link SwitchingExecutor}. */
    static final class WorkerPoolFactory implements ExecutorServiceFactory {
        private final ExecutorServiceFactory delegate;
        private final AtomicBoolean workerPoolMade = new AtomicBoolean();

        WorkerPoolFactory(ExecutorServiceFactory delegate) {
            this.delegate = delegate;
        }

        @Override
        public ExecutorService createExecutor(ThreadFactory threadFactory, Integer concurrency, Integer maxConcurrency) {
            ExecutorService made = delegate.createExecutor(threadFactory, concurrency, maxConcurrency);
            if (workerPoolMade.compareAndSet(false, true)) {
                return new SwitchingExecutor(() -> made, true);
            }
            return made;
        }
    }
}
