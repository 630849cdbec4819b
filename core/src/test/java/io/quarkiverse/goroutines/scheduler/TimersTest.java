package io.quarkiverse.goroutines.scheduler;

import static io.quarkiverse.goroutines.scheduler.Schedulers.stop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Virtual Gs' sleeps and timed parks on the Ms' own timers ({@link Timers}): Java 25 and later ask a
 * {@code ForkJoinPool} scheduler for them. Skipped, with the reason, where the JDK does not.
 */
class TimersTest {

    @BeforeAll
    static void timersAreOurs() {
        assumeTrue(VirtualThreads.unavailableReason() == null,
                "virtual mode not available here: " + VirtualThreads.unavailableReason());
        boolean asks;
        try {
            ForkJoinPool.class.getMethod("schedule", Runnable.class, long.class, TimeUnit.class);
            asks = true;
        } catch (NoSuchMethodException e) {
            asks = false;
        }
        assumeTrue(asks, "Java " + Runtime.version().feature() + " runs virtual-thread timeouts on its own threads");
    }

    private static Scheduler start(int procs) {
        return Scheduler.start(SchedulerConfig.builder().name("ttest").procs(procs).mode(SchedulerMode.VIRTUAL)
                .build());
    }

    private static int pending(Scheduler s) {
        int n = 0;
        for (P p : s.sched.allp) {
            n += p.timers.size();
        }
        return n;
    }

    /** 400 Gs sleep 5 times each: every sleep ends, each by one of our timers, and none is left in a heap. */
    @Test
    void sleepsAreFiredByTheScheduler() throws Exception {
        Scheduler s = start(2);
        try {
            int n = 400;
            CountDownLatch done = new CountDownLatch(n);
            AtomicInteger failures = new AtomicInteger();
            for (int i = 0; i < n; i++) {
                int ms = 1 + i % 20;
                s.execute(() -> {
                    try {
                        for (int k = 0; k < 5; k++) {
                            Thread.sleep(ms);
                        }
                    } catch (InterruptedException e) {
                        failures.incrementAndGet();
                    }
                    done.countDown();
                });
            }
            assertTrue(done.await(30, TimeUnit.SECONDS), done.getCount() + " Gs still asleep");
            assertEquals(0, failures.get());
            // Nearly every sleep is one of our timers. The JDK may end a rare one without it: a park that cannot
            // unmount (pinned for an instant) sleeps on the carrier instead, and a spurious wake-up close to the
            // deadline ends the sleep with its timer cancelled. Without our timers the count is 0.
            assertTrue(s.timers.fired.get() >= 5L * n * 95 / 100, "timers fired: " + s.timers.fired.get());
            assertEquals(0, pending(s));
        } finally {
            stop(s);
        }
    }

    /**
     * 2,000 Gs park for a minute and are unparked at once: each timer is cancelled, none fires, and the heaps do not
     * keep the cancelled ones.
     */
    @Test
    void anEarlyWakeCancelsItsTimer() throws Exception {
        Scheduler s = start(2);
        try {
            int n = 2_000;
            CountDownLatch done = new CountDownLatch(n);
            for (int i = 0; i < n; i++) {
                CountDownLatch parked = new CountDownLatch(1);
                AtomicReference<Thread> self = new AtomicReference<>();
                s.execute(() -> {
                    self.set(Thread.currentThread());
                    parked.countDown();
                    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
                    LockSupport.parkNanos(TimeUnit.MINUTES.toNanos(1));
                    // A spurious return is allowed; a return at the deadline would mean the unpark was lost.
                    assertTrue(System.nanoTime() < deadline);
                    done.countDown();
                });
                assertTrue(parked.await(5, TimeUnit.SECONDS));
                LockSupport.unpark(self.get());
            }
            assertTrue(done.await(30, TimeUnit.SECONDS), done.getCount() + " Gs still parked");
            assertEquals(0, s.timers.fired.get(), "a cancelled timer fired");
            assertTrue(pending(s) < 200, "cancelled timers left in the heaps: " + pending(s));
        } finally {
            stop(s);
        }
    }

    /** Timers of Ps that go away move to a P that stays: every sleeper still wakes. */
    @Test
    void timersMoveWhenProcsShrink() throws Exception {
        Scheduler s = start(4);
        try {
            int n = 200;
            CountDownLatch asleep = new CountDownLatch(n);
            CountDownLatch done = new CountDownLatch(n);
            for (int i = 0; i < n; i++) {
                s.execute(() -> {
                    asleep.countDown();
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        return;
                    }
                    done.countDown();
                });
            }
            assertTrue(asleep.await(10, TimeUnit.SECONDS));
            s.procs(1);
            assertTrue(done.await(30, TimeUnit.SECONDS), done.getCount() + " Gs never woke after procs(1)");
        } finally {
            stop(s);
        }
    }

    /**
     * A G asleep when its scheduler terminates still wakes and ends: its timer goes to the shared fallback thread,
     * and so does one asked for afterwards.
     */
    @Test
    void aSleeperOutlivesItsScheduler() throws Exception {
        Scheduler s = start(1);
        AtomicReference<Thread> sleeper = new AtomicReference<>();
        CountDownLatch asleep = new CountDownLatch(1);
        AtomicInteger woke = new AtomicInteger();
        s.execute(() -> {
            sleeper.set(Thread.currentThread());
            asleep.countDown();
            try {
                Thread.sleep(300);
                woke.incrementAndGet();
                Thread.sleep(50); // asked for after the scheduler terminated
                woke.incrementAndGet();
            } catch (InterruptedException e) {
                // ends
            }
        });
        assertTrue(asleep.await(5, TimeUnit.SECONDS));
        s.shutdownGracefully(Duration.ZERO);
        assertTrue(s.awaitTermination(10, TimeUnit.SECONDS));
        sleeper.get().join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(sleeper.get().isAlive(), "the sleeping G's thread never ended");
        assertEquals(2, woke.get());
    }
}
