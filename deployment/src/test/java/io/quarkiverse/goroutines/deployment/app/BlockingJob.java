package io.quarkiverse.goroutines.deployment.app;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;

@ApplicationScoped
public class BlockingJob {
    public static final CountDownLatch RAN = new CountDownLatch(1);
    public static final AtomicReference<String> SERVED = new AtomicReference<>();

    @Scheduled(every = "1s")
    void job() {
        if (SERVED.compareAndSet(null, Where.here())) {
            RAN.countDown();
        }
    }
}
