package io.quarkiverse.goroutines.runtime;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.context.ManagedExecutor;

import io.smallrye.context.SmallRyeManagedExecutor;

/**
 * The injectable {@link ManagedExecutor} runs its tasks as Gs, with MicroProfile context propagation on top.
 * <p>
 * Quarkus's own {@code ManagedExecutor} is a default bean, so any bean of this type replaces it. Registered only
 * when the app has SmallRye Context Propagation.
 */
@Singleton
public class ManagedExecutorProducer {

    @Produces
    @Singleton
    ManagedExecutor managedExecutor() {
        return ((SmallRyeManagedExecutor.Builder) ManagedExecutor.builder())
                .withExecutorService(SwitchingExecutor.overStockPool())
                .injectionPointName("goroutines")
                .build();
    }
}
