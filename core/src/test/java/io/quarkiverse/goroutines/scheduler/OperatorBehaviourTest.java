package io.quarkiverse.goroutines.scheduler;

import static io.quarkiverse.goroutines.scheduler.Schedulers.config;
import static io.quarkiverse.goroutines.scheduler.Schedulers.stop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;

/**
 * How the scheduler behaves under stress, as an operator sees it: hogs are preempted by default, old Gs are reported
 * once with what they do, many of them in one summary, admission sheds by queueing delay, virtual Gs carry names.
 */
class OperatorBehaviourTest {

    /** Two CPU hogs on two Ps (defaults: preemption on) must not keep a quick G from running. */
    @Test
    void twoHogsDoNotStallAQuickG() throws Exception {
        Scheduler s = Scheduler.start(Schedulers.defaults(2).build());
        try {
            AtomicBoolean stopHogs = new AtomicBoolean();
            CountDownLatch hogsRunning = new CountDownLatch(2);
            CountDownLatch hogsDone = new CountDownLatch(2);
            for (int i = 0; i < 2; i++) {
                s.execute(() -> {
                    hogsRunning.countDown();
                    while (!stopHogs.get()) {
                        Schedulers.spin(100_000);
                    }
                    hogsDone.countDown();
                });
            }
            assertTrue(hogsRunning.await(5, TimeUnit.SECONDS));
            long t0 = System.nanoTime();
            AtomicLong waited = new AtomicLong();
            CountDownLatch quick = new CountDownLatch(1);
            s.execute(() -> {
                waited.set(System.nanoTime() - t0);
                quick.countDown();
            });
            boolean ran = quick.await(5, TimeUnit.SECONDS);
            stopHogs.set(true);
            assertTrue(hogsDone.await(5, TimeUnit.SECONDS));
            assertTrue(ran, "a quick G waited behind two hogs:\n" + s.schedtrace(true));
            System.out.println("quick G beside two hogs on 2 Ps started after "
                    + TimeUnit.NANOSECONDS.toMillis(waited.get()) + " ms; preemptions="
                    + s.snapshot().counters().preemptions());
            assertTrue(waited.get() < TimeUnit.SECONDS.toNanos(1));
            assertTrue(s.snapshot().counters().preemptions() >= 1, "the hand-off is counted as a preemption");
        } finally {
            stop(s);
        }
    }

    /**
     * A G that has not ended after {@code report.after} is reported once, in one record that says what it does,
     * what it serves, its age and the top of its stack; a short G (a cold start holding its P for tens of
     * milliseconds) is not reported at all.
     */
    @Test
    void anOldGIsReportedOnceWithWhatItDoes() throws Exception {
        try (LogCapture log = new LogCapture()) {
            Scheduler s = Scheduler.start(config(2).reportAfter(Duration.ofMillis(300)).build());
            try {
                CountDownLatch started = new CountDownLatch(1);
                CountDownLatch release = new CountDownLatch(1);
                CountDownLatch shortDone = new CountDownLatch(1);
                s.execute(() -> {
                    Schedulers.spin(TimeUnit.MILLISECONDS.toNanos(30)); // a cold start's first request
                    shortDone.countDown();
                });
                s.execute(GoroutineLabel.wrap("GET /slow", Schedulers.blockUntil(started, release)));
                assertTrue(started.await(5, TimeUnit.SECONDS));
                assertTrue(shortDone.await(5, TimeUnit.SECONDS));
                Schedulers.await("the report", Duration.ofSeconds(5), () -> log.count("has not ended") >= 1);
                Thread.sleep(1_500); // a period and more: it must not be reported again
                release.countDown();
                assertEquals(1, log.count("has not ended"), "one record per G: " + messages(log));
                String msg = log.records.stream().map(LogRecord::getMessage).filter(m -> m.contains("has not ended"))
                        .findFirst().orElseThrow();
                assertTrue(msg.contains("(GET /slow)"), msg);
                assertTrue(msg.contains("OperatorBehaviourTest") || msg.contains("Schedulers"), "its own frames: " + msg);
                assertTrue(msg.contains(Schedulers.MODE == SchedulerMode.PLATFORM ? "blocked in a call" : "parked"),
                        msg);
            } finally {
                stop(s);
            }
        }
    }

    /** Many old Gs at once: one summary with counts per state and the oldest G, not a line each. */
    @Test
    void manyOldGsAreSummarisedInOneRecord() throws Exception {
        try (LogCapture log = new LogCapture()) {
            Scheduler s = Scheduler.start(config(2).reportAfter(Duration.ofMillis(300)).build());
            try {
                int n = 40;
                CountDownLatch started = new CountDownLatch(n);
                CountDownLatch release = new CountDownLatch(1);
                for (int i = 0; i < n; i++) {
                    s.execute(Schedulers.blockUntil(started, release));
                }
                assertTrue(started.await(10, TimeUnit.SECONDS));
                Schedulers.await("the summary", Duration.ofSeconds(5), () -> log.count("goroutines have not ended") >= 1);
                release.countDown();
                assertEquals(1, log.count("goroutines have not ended"), messages(log));
                assertEquals(0, log.records.stream().filter(r -> r.getMessage().startsWith("goroutine ")).count(),
                        "no line per G besides the summary");
                String msg = log.records.stream().map(LogRecord::getMessage)
                        .filter(m -> m.contains("goroutines have not ended")).findFirst().orElseThrow();
                assertTrue(msg.startsWith(n + " goroutines"), msg);
                assertTrue(msg.contains("the oldest: goroutine"), msg);
            } finally {
                stop(s);
            }
        }
    }

    /**
     * Admission by queueing delay: a flood that keeps Gs waiting past the target for the interval makes
     * {@code execute} refuse at once with {@link OverloadedException} (and a Retry-After); once the queue drains,
     * work is accepted again. {@code go} is never refused.
     */
    @Test
    void floodIsShedByQueueingDelayAndRecovers() throws Exception {
        Scheduler s = Scheduler.start(config(1).admissionTarget(Duration.ofMillis(20))
                .admissionInterval(Duration.ofMillis(100)).build());
        try {
            AtomicInteger ran = new AtomicInteger();
            AtomicReference<OverloadedException> refused = new AtomicReference<>();
            int accepted = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (refused.get() == null && System.nanoTime() < deadline) {
                try {
                    s.execute(() -> {
                        Schedulers.spin(TimeUnit.MILLISECONDS.toNanos(2));
                        ran.incrementAndGet();
                    });
                    accepted++;
                } catch (OverloadedException e) {
                    refused.set(e);
                }
                if (accepted % 20 == 0) {
                    Thread.sleep(1); // arrive faster than one P serves (2 ms each), not all at once
                }
            }
            assertTrue(refused.get() != null, "a flood was never shed; accepted " + accepted);
            assertTrue(s.shedding());
            assertTrue(refused.get().retryAfter().compareTo(Duration.ofSeconds(1)) >= 0);
            CountDownLatch spawned = new CountDownLatch(1);
            s.go(spawned::countDown); // Go's go statement is never refused
            assertTrue(spawned.await(30, TimeUnit.SECONDS));
            int acceptedBefore = accepted;
            Schedulers.await("the queue to drain", Duration.ofSeconds(30), () -> ran.get() == acceptedBefore);
            Schedulers.await("shedding to end", Duration.ofSeconds(5), () -> !s.shedding());
            CountDownLatch after = new CountDownLatch(1);
            s.execute(after::countDown);
            assertTrue(after.await(5, TimeUnit.SECONDS));
            SchedSnapshot.Counters c = s.snapshot().counters();
            assertTrue(c.shed() >= 1 && c.sheddingEpisodes() >= 1, c.toString());
        } finally {
            stop(s);
        }
    }

    /** Admission can be switched off: then only max-runnable refuses. */
    @Test
    void admissionCanBeSwitchedOff() throws Exception {
        Scheduler s = Scheduler.start(config(1).admission(false).admissionTarget(Duration.ofMillis(1))
                .admissionInterval(Duration.ofMillis(10)).build());
        try {
            CountDownLatch all = new CountDownLatch(300);
            for (int i = 0; i < 300; i++) {
                s.execute(() -> {
                    Schedulers.spin(TimeUnit.MILLISECONDS.toNanos(1));
                    all.countDown();
                });
            }
            assertTrue(all.await(30, TimeUnit.SECONDS));
            assertFalse(s.shedding());
        } catch (RejectedExecutionException e) {
            throw new AssertionError("refused with admission off", e);
        } finally {
            stop(s);
        }
    }

    /** In virtual mode a G's thread carries a name: the prefix and the G's id, for the log's thread column. */
    @Test
    void virtualGsAreNamed() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(VirtualThreads.unavailableReason() == null);
        Scheduler s = Scheduler.start(config(1).mode(SchedulerMode.VIRTUAL).goroutineNamePrefix("req-").build());
        try {
            AtomicReference<String> name = new AtomicReference<>();
            AtomicLong id = new AtomicLong();
            CountDownLatch done = new CountDownLatch(1);
            s.execute(() -> {
                name.set(Thread.currentThread().getName());
                id.set(Scheduler.currentG().id());
                done.countDown();
            });
            assertTrue(done.await(5, TimeUnit.SECONDS));
            assertEquals("req-" + id.get(), name.get());
        } finally {
            stop(s);
        }
    }

    /** Shedding ends by itself once the queues have drained, here after Gs that block (detached in platform mode). */
    @Test
    void sheddingEndsWhenTheQueuesDrain() throws Exception {
        Scheduler s = Scheduler.start(config(1).admissionTarget(Duration.ofMillis(10))
                .admissionInterval(Duration.ofMillis(50)).build());
        try {
            AtomicInteger accepted = new AtomicInteger();
            AtomicInteger ended = new AtomicInteger();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!s.shedding() && System.nanoTime() < deadline) {
                try {
                    s.execute(() -> {
                        Schedulers.spin(TimeUnit.MILLISECONDS.toNanos(2)); // the queue grows: 2 ms each on one P
                        try {
                            Thread.sleep(5); // then blocks: in platform mode the G ends detached, off its P
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        ended.incrementAndGet();
                    });
                } catch (OverloadedException e) {
                    break;
                }
                if (accepted.incrementAndGet() % 10 == 0) {
                    Thread.sleep(1);
                }
            }
            assertTrue(s.shedding(), "the flood was never shed");
            Schedulers.await("every accepted G to end", Duration.ofSeconds(60), () -> ended.get() == accepted.get());
            Schedulers.await("shedding to end with nothing queued", Duration.ofSeconds(5), () -> !s.shedding());
        } finally {
            stop(s);
        }
    }

    private static String messages(LogCapture log) {
        return String.join("\n---\n", log.records.stream().map(LogRecord::getMessage).toList());
    }
}
