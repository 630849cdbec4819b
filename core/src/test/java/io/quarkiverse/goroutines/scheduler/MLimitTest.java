package io.quarkiverse.goroutines.scheduler;

import static io.quarkiverse.goroutines.scheduler.Schedulers.config;
import static io.quarkiverse.goroutines.scheduler.Schedulers.stop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** The cap on Ms: hitting it gives a clear error, creates no thread above it, and loses no work. */
class MLimitTest {

    @Test
    void capIsReportedAndWorkWaitsForAFreeM() throws Exception {
        Schedulers.platformOnly("one M per blocked G");
        AtomicInteger made = new AtomicInteger();
        ThreadFactory tf = r -> {
            made.incrementAndGet();
            Thread t = new Thread(r, "cap-m");
            t.setDaemon(true);
            return t;
        };
        try (LogCapture log = new LogCapture()) {
            Scheduler s = Scheduler.start(config(1).maxThreads(2).threadFactory(tf).build());
            try {
                CountDownLatch release = new CountDownLatch(1);
                CountDownLatch twoBlocked = new CountDownLatch(2);
                CountDownLatch done = new CountDownLatch(3);
                for (int i = 0; i < 2; i++) {
                    s.execute(() -> {
                        twoBlocked.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        done.countDown();
                    });
                }
                assertTrue(twoBlocked.await(5, TimeUnit.SECONDS), "the second G needs a hand-off to a second M");
                s.execute(done::countDown);
                // sysmon reports the cap outside the scheduler lock, shortly after it was hit.
                Schedulers.await("a clear error about the cap", Duration.ofSeconds(5),
                        () -> log.contains("max-threads=2 reached"));
                assertTrue(s.snapshot().counters().mLimitHits() > 0);
                assertEquals(3, done.getCount(), "the third G cannot run: both Ms are blocked");
                release.countDown();
                assertTrue(done.await(5, TimeUnit.SECONDS), "work was lost at the cap:\n" + s.schedtrace(true));
                assertTrue(made.get() <= 2, "threads made above the cap: " + made.get());
            } finally {
                stop(s);
            }
        }
    }
}
