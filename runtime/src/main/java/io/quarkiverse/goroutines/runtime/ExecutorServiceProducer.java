package io.quarkiverse.goroutines.runtime;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

/**
 * {@code @Inject ExecutorService} and {@code @Inject Executor} give the scheduler instead of the stock worker pool.
 * <p>
 * Quarkus's own bean for these types is synthetic and not a default bean, so this producer is an alternative with a
 * priority, which wins over it. When the scheduler is disabled the injected executor forwards to the stock pool.
 */
@Singleton
public class ExecutorServiceProducer {

    @Produces
    @Singleton
    @Alternative
    @Priority(10)
    @Typed({ ExecutorService.class, Executor.class })
    ExecutorService blockingExecutor() {
        return SwitchingExecutor.overStockPool();
    }
}
