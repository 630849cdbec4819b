package io.quarkiverse.goroutines.deployment.app;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.vertx.ConsumeEvent;

@ApplicationScoped
public class BlockingConsumer {
    public static final String ADDRESS = "goroutines-blocking";

    @ConsumeEvent(value = ADDRESS, blocking = true)
    String consume(String ping) {
        return Where.here();
    }
}
