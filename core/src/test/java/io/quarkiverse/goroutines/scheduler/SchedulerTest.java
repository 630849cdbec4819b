package io.quarkiverse.goroutines.scheduler;

import static io.quarkiverse.goroutines.scheduler.Schedulers.config;
import static io.quarkiverse.goroutines.scheduler.Schedulers.stop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.quarkiverse.goroutines.Go;
import io.quarkiverse.goroutines.GoroutineInfo;

/** The executor contract, Go's API on a scheduler, and behaviour users rely on. */
class SchedulerTest {

    @Test
    void submitReturnsResultsAndGoCurrentDescribesTheG() throws Exception {
        Scheduler s = Scheduler.start(config(2).build());
        try {
            Future<GoroutineInfo> f = s.submit(() -> Go.current().orElseThrow());
            GoroutineInfo info = f.get(5, TimeUnit.SECONDS);
            assertEquals("RUNNING", info.state());
            assertTrue(info.p() >= 0 && info.p() < 2);
            assertTrue(info.thread().startsWith("test-m-"), info.thread());
            assertEquals("test", info.scheduler());
            assertTrue(Go.current().isEmpty(), "outside a G current() is empty");
        } finally {
            stop(s);
        }
    }

    @Test
    void throwingGIsLoggedAndItsMLivesOn() throws Exception {
        Schedulers.platformOnly("Gs share their M thread");
        try (LogCapture log = new LogCapture()) {
            Scheduler s = Scheduler.start(config(1).maxThreads(1).build());
            try {
                AtomicReference<Thread> first = new AtomicReference<>();
                AtomicReference<Thread> second = new AtomicReference<>();
                CountDownLatch done = new CountDownLatch(1);
                s.execute(() -> {
                    first.set(Thread.currentThread());
                    throw new IllegalStateException("boom");
                });
                s.execute(() -> {
                    second.set(Thread.currentThread());
                    done.countDown();
                });
                assertTrue(done.await(5, TimeUnit.SECONDS));
                assertEquals(first.get(), second.get(), "with one M the same thread must run the next G");
                assertTrue(log.records.stream().anyMatch(r -> r.getThrown() != null
                        && "boom".equals(r.getThrown().getMessage())), "the failure was not logged");
                assertEquals(1, s.snapshot().counters().panics());
            } finally {
                stop(s);
            }
        }
    }

    @Test
    void goSpawnsOnTheCurrentPAndYieldLetsThemRunFirst() throws Exception {
        Scheduler s = Scheduler.start(config(1).build());
        try {
            ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
            CountDownLatch done = new CountDownLatch(3);
            s.execute(() -> {
                Go.go(() -> {
                    events.add("child-a");
                    done.countDown();
                });
                Go.go(() -> {
                    events.add("child-b");
                    done.countDown();
                });
                events.add("parent-before-yield");
                Go.yield();
                events.add("parent-after-yield");
                done.countDown();
            });
            assertTrue(done.await(5, TimeUnit.SECONDS));
            List<String> e = List.copyOf(events);
            assertEquals("parent-before-yield", e.get(0));
            assertEquals("parent-after-yield", e.get(3), "yield must let both children run first: " + e);
        } finally {
            stop(s);
        }
    }

    @Test
    void maxRunnableRejectsAndLosesNothing() throws Exception {
        Scheduler s = Scheduler.start(config(1).maxRunnable(3).blockingDetection(false).build());
        try {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch ran = new CountDownLatch(4);
            Runnable hold = Schedulers.holdP(started, release);
            s.execute(() -> {
                hold.run();
                ran.countDown();
            });
            assertTrue(started.await(5, TimeUnit.SECONDS));
            for (int i = 0; i < 3; i++) {
                s.execute(ran::countDown);
            }
            RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> s.execute(() -> {
            }));
            assertTrue(e.getMessage().contains("max-runnable"), e.getMessage());
            release.countDown();
            assertTrue(ran.await(5, TimeUnit.SECONDS), "an accepted G was lost");
            assertEquals(1, s.snapshot().counters().rejected());
        } finally {
            stop(s);
        }
    }

    /**
     * A G's own spawns sum the runnable count only once per few spawns (GAlloc.overMaxRunnable); the bound must still
     * hold to the G: with the only P held by the spawner nothing runs, so exactly max-runnable spawns are accepted.
     */
    @Test
    void maxRunnableHoldsExactlyForSpawnsFromInsideAG() throws Exception {
        int max = 5_000;
        Scheduler s = Scheduler.start(config(1).maxRunnable(max).admission(false).blockingDetection(false).build());
        try {
            AtomicInteger accepted = new AtomicInteger();
            AtomicInteger ran = new AtomicInteger();
            CountDownLatch refused = new CountDownLatch(1);
            s.execute(() -> {
                try {
                    for (int i = 0; i < 2 * max; i++) {
                        s.execute(ran::incrementAndGet);
                        accepted.incrementAndGet();
                    }
                } catch (RejectedExecutionException e) {
                    refused.countDown();
                }
            });
            assertTrue(refused.await(10, TimeUnit.SECONDS), "never refused; accepted " + accepted.get());
            assertEquals(max, accepted.get(), "the bound was passed or fell short");
            Schedulers.await("every accepted G to run", Duration.ofSeconds(10), () -> ran.get() == max);
        } finally {
            stop(s);
        }
    }

    /** A thread that only submits (think: a Vert.x event loop) must never start an OS thread. */
    @Test
    void submittersNeverStartThreads() throws Exception {
        Schedulers.platformOnly("one M per blocked G");
        Set<String> starters = ConcurrentHashMap.newKeySet();
        ThreadFactory tf = r -> {
            starters.add(Thread.currentThread().getName());
            Thread t = new Thread(r, "tf-m");
            t.setDaemon(true);
            return t;
        };
        Scheduler s = Scheduler.start(config(2).threadFactory(tf).build());
        try {
            int n = 20;
            CountDownLatch allBlocked = new CountDownLatch(n);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(n);
            Thread loop = new Thread(() -> {
                for (int i = 0; i < n; i++) {
                    s.execute(() -> {
                        allBlocked.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        done.countDown();
                    });
                }
            }, "fake-event-loop");
            loop.start();
            // 20 Gs blocked at once on 2 Ps: only hand-offs to new Ms let them all start.
            assertTrue(allBlocked.await(10, TimeUnit.SECONDS), "blocked Gs did not all get Ms");
            release.countDown();
            assertTrue(done.await(5, TimeUnit.SECONDS));
            assertFalse(starters.contains("fake-event-loop"), "the submitting thread started an M: " + starters);
            assertTrue(s.snapshot().threads() >= n, "expected an M per blocked G");
        } finally {
            stop(s);
        }
    }

    @Test
    void schedtraceHasGosFormat() throws Exception {
        Scheduler s = Scheduler.start(config(2).build());
        try {
            String line = s.schedtrace(false);
            assertTrue(line.matches("SCHED \\d+ms: gomaxprocs=2 idleprocs=\\d+ threads=\\d+ spinningthreads=\\d+ "
                    + "idlethreads=\\d+ runqueue=\\d+ \\[\\d+ \\d+\\]"), line);
            String detail = s.schedtrace(true);
            assertTrue(detail.contains("\n  P0: status="), detail);
            assertTrue(detail.contains("\n  P1: status="), detail);
            assertTrue(detail.contains("\n  M1: p="), detail);
        } finally {
            stop(s);
        }
    }

    @Test
    void schedtraceLinesArePrintedPeriodically() throws Exception {
        ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        CountDownLatch three = new CountDownLatch(3);
        Scheduler s = Scheduler.start(config(2).schedtrace(java.time.Duration.ofMillis(20)).traceSink(l -> {
            lines.add(l);
            three.countDown();
        }).build());
        try {
            assertTrue(three.await(5, TimeUnit.SECONDS));
            assertTrue(lines.peek().startsWith("SCHED "), lines.peek());
        } finally {
            stop(s);
        }
    }

    @Test
    void goMaxProcsAndNumGoroutineOnTheDefaultScheduler() throws Exception {
        Scheduler s = Scheduler.start(config(2).build());
        Scheduler previous = Go.setDefaultScheduler(s);
        try {
            assertEquals(2, Go.maxProcs());
            assertEquals(2, Go.maxProcs(3));
            assertEquals(3, Go.maxProcs());
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch started = new CountDownLatch(2);
            for (int i = 0; i < 2; i++) {
                Go.go(() -> {
                    started.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            assertTrue(started.await(5, TimeUnit.SECONDS));
            assertEquals(2, Go.numGoroutine());
            release.countDown();
        } finally {
            Go.setDefaultScheduler(previous);
            stop(s);
        }
        assertNotEquals(s, Go.scheduler());
    }
}
