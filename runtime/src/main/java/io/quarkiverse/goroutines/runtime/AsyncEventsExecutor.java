package io.quarkiverse.goroutines.runtime;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.quarkus.arc.Arc;
import io.quarkus.runtime.StartupEvent;

/**
 * CDI asynchronous events ({@code Event.fireAsync}) are delivered on Gs.
 * <p>
 * ArC sets its executor in a runtime-init step that no other step can be ordered after, so this is done once the app
 * is up. Left alone when the scheduler is disabled.
 */
@Singleton
public class AsyncEventsExecutor {

    void onStart(@Observes StartupEvent event) {
        if (Goroutines.executor() != null) {
            Arc.setExecutor(SwitchingExecutor.overStockPool());
        }
    }
}
