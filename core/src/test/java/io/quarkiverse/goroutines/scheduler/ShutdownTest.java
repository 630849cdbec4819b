package io.quarkiverse.goroutines.scheduler;

import static io.quarkiverse.goroutines.scheduler.Schedulers.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** Stop accepting, drain within the timeout, report what was dropped, and leave no thread behind. */
class ShutdownTest {

    private static Set<Thread> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix))
                .collect(Collectors.toSet());
    }

    @Test
    void drainsQueuedWorkAndLeavesNoThreads() throws Exception {
        Set<Thread> before = threadsNamed("drain-");
        Scheduler s = Scheduler.start(config(2).name("drain").build());
        int n = 2000;
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < n; i++) {
            s.execute(() -> {
                if (ran.incrementAndGet() % 100 == 0) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
        }
        ShutdownReport r = s.shutdownGracefully(Duration.ofSeconds(20));
        assertTrue(r.clean(), r.toString());
        assertEquals(n, ran.get(), "queued Gs must all run before shutdown completes");
        assertTrue(s.isTerminated());
        assertThrows(RejectedExecutionException.class, () -> s.execute(() -> {
        }));
        assertEquals(before, threadsNamed("drain-"), "threads leaked");
        assertTrue(before.isEmpty());
    }

    @Test
    void timeoutDropsQueuedGsAndReportsThem() throws Exception {
        Scheduler s = Scheduler.start(config(1).name("drop").blockingDetection(false).build());
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        s.execute(Schedulers.holdP(started, release));
        assertTrue(started.await(5, TimeUnit.SECONDS));
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 10; i++) {
            s.execute(ran::incrementAndGet);
        }
        ShutdownReport r = s.shutdownGracefully(Duration.ofMillis(200));
        assertEquals(10, r.dropped().size(), r.toString());
        assertEquals(1, r.stillRunning());
        assertFalse(r.clean());
        release.countDown();
        assertTrue(s.awaitTermination(5, TimeUnit.SECONDS), "threads did not end after the last G");
        assertEquals(0, ran.get(), "dropped Gs must not run");
        assertTrue(threadsNamed("drop-").isEmpty(), "threads leaked: " + threadsNamed("drop-"));
    }

    @Test
    void shutdownNowInterruptsRunningGs() throws Exception {
        Scheduler s = Scheduler.start(config(1).name("now").build());
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        s.execute(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        assertTrue(started.await(5, TimeUnit.SECONDS));
        s.shutdownNow();
        assertTrue(interrupted.await(5, TimeUnit.SECONDS));
        assertTrue(s.awaitTermination(5, TimeUnit.SECONDS));
        assertTrue(threadsNamed("now-").isEmpty(), "threads leaked");
    }
}
