package io.quarkiverse.goroutines.deployment.app;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;

@ApplicationScoped
public class AsyncObserver {
    void onPing(@ObservesAsync AsyncPing ping) {
        ping.servedBy = Where.here();
    }
}
