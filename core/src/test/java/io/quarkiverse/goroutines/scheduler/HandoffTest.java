package io.quarkiverse.goroutines.scheduler;

import static io.quarkiverse.goroutines.scheduler.Schedulers.config;
import static io.quarkiverse.goroutines.scheduler.Schedulers.stop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/**
 * One P, and a G that blocks without saying so: sysmon must detect it and hand the P to another M so that queued Gs
 * run. Each test is causal: the blocked G is only released after the queued G has run, so without a hand-off the
 * test fails instead of passing slowly.
 */
class HandoffTest {

    @Test
    void unannouncedSleepIsHandedOff() throws Exception {
        Schedulers.platformOnly("a sleeping G blocks its M");
        Scheduler s = Scheduler.start(config(1).build());
        try {
            CountDownLatch firstStarted = new CountDownLatch(1);
            CountDownLatch secondRan = new CountDownLatch(1);
            AtomicLong firstStart = new AtomicLong();
            AtomicLong firstEnd = new AtomicLong();
            AtomicLong secondStart = new AtomicLong();
            CountDownLatch firstDone = new CountDownLatch(1);
            s.execute(() -> {
                firstStart.set(System.nanoTime());
                firstStarted.countDown();
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                firstEnd.set(System.nanoTime());
                firstDone.countDown();
            });
            assertTrue(firstStarted.await(5, TimeUnit.SECONDS));
            s.execute(() -> {
                secondStart.set(System.nanoTime());
                secondRan.countDown();
            });
            assertTrue(secondRan.await(5, TimeUnit.SECONDS), "second G never ran");
            assertTrue(firstDone.await(5, TimeUnit.SECONDS));
            assertTrue(secondStart.get() < firstEnd.get(), "second G started only after the first returned");
            long startDelayMicros = (secondStart.get() - firstStart.get()) / 1000;
            System.out.println("handoff (Thread.sleep): second G started " + startDelayMicros
                    + " us after the first blocked; detection latency max "
                    + s.snapshot().counters().detectNanosMax() / 1000 + " us");
            SchedSnapshot.Counters c = s.snapshot().counters();
            // Normally seen as TIMED_WAITING; on a starved host the M may first be judged stuck in native code.
            assertTrue(c.blockedDetected() + c.nativeDetected() >= 1, "no detection counted: " + c);
        } finally {
            stop(s);
        }
    }

    @Test
    void latchWaitIsHandedOff() throws Exception {
        Scheduler s = Scheduler.start(config(1).build());
        try {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch firstDone = new CountDownLatch(1);
            CountDownLatch secondRan = new CountDownLatch(1);
            s.execute(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                firstDone.countDown();
            });
            s.execute(secondRan::countDown);
            assertTrue(secondRan.await(5, TimeUnit.SECONDS), "second G never ran while the first waited");
            release.countDown();
            assertTrue(firstDone.await(5, TimeUnit.SECONDS));
        } finally {
            stop(s);
        }
    }

    /**
     * A blocking socket read keeps its thread RUNNABLE in native code: only the CPU-time signal can tell it is
     * blocked.
     */
    @Test
    void nativeSocketReadIsHandedOffByCpuTime() throws Exception {
        Schedulers.platformOnly("a socket read blocks its M");
        Scheduler s = Scheduler.start(config(1).build());
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CountDownLatch accepted = new CountDownLatch(1);
            CountDownLatch secondRan = new CountDownLatch(1);
            CountDownLatch readDone = new CountDownLatch(1);
            AtomicLong readValue = new AtomicLong(-2);
            Thread peer = new Thread(() -> {
                try (Socket c = server.accept()) {
                    accepted.countDown();
                    // Answer only once the queued G has run: without a hand-off this never happens.
                    secondRan.await(10, TimeUnit.SECONDS);
                    OutputStream out = c.getOutputStream();
                    out.write(42);
                    out.flush();
                    readDone.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            peer.start();
            AtomicLong stateSeen = new AtomicLong();
            s.execute(() -> {
                try (Socket sock = new Socket(server.getInetAddress(), server.getLocalPort())) {
                    InputStream in = sock.getInputStream();
                    readValue.set(in.read());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    readDone.countDown();
                }
            });
            assertTrue(accepted.await(5, TimeUnit.SECONDS));
            s.execute(() -> {
                stateSeen.set(1);
                secondRan.countDown();
            });
            assertTrue(secondRan.await(5, TimeUnit.SECONDS), "second G never ran while the first read a socket");
            assertTrue(readDone.await(5, TimeUnit.SECONDS));
            assertEquals(42, readValue.get());
            SchedSnapshot.Counters c = s.snapshot().counters();
            System.out.println("handoff (socket read): native detections " + c.nativeDetected() + ", blocked "
                    + c.blockedDetected() + ", detection latency max " + c.detectNanosMax() / 1000 + " us");
            assertTrue(c.nativeDetected() + c.blockedDetected() >= 1);
            peer.join(5000);
        } finally {
            stop(s);
        }
    }

    @Test
    void detectionCanBeSwitchedOff() throws Exception {
        Schedulers.platformOnly("a blocked G keeps its P without detection");
        Scheduler s = Scheduler.start(config(1).blockingDetection(false).build());
        try {
            CountDownLatch firstStarted = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch secondRan = new CountDownLatch(1);
            s.execute(Schedulers.blockUntil(firstStarted, release));
            assertTrue(firstStarted.await(5, TimeUnit.SECONDS));
            s.execute(secondRan::countDown);
            // With detection off the only P stays with the blocked G: the second cannot start.
            assertTrue(!secondRan.await(100, TimeUnit.MILLISECONDS), "second G ran although detection is off");
            release.countDown();
            assertTrue(secondRan.await(5, TimeUnit.SECONDS));
            assertEquals(0, s.snapshot().counters().blockedDetected());
        } finally {
            stop(s);
        }
    }

    /** A CPU-bound G past the slice loses its P, silently (preemption is routine), and the loss is counted. */
    @Test
    void longRunningGIsPreemptedSilently() throws Exception {
        try (LogCapture log = new LogCapture()) {
            Scheduler s = Scheduler.start(Schedulers.defaults(1).blockingDetection(false)
                    .longRunningThreshold(Duration.ofMillis(20)).build());
            try {
                CountDownLatch started = new CountDownLatch(1);
                CountDownLatch secondRan = new CountDownLatch(1);
                CountDownLatch firstDone = new CountDownLatch(1);
                s.execute(() -> {
                    started.countDown();
                    // CPU-bound until the second G has run: only a preemption lets that happen.
                    while (secondRan.getCount() > 0) {
                        Schedulers.spin(100_000);
                    }
                    firstDone.countDown();
                });
                assertTrue(started.await(5, TimeUnit.SECONDS));
                s.execute(secondRan::countDown);
                assertTrue(secondRan.await(5, TimeUnit.SECONDS), "CPU-bound G kept the only P");
                assertTrue(firstDone.await(5, TimeUnit.SECONDS));
                assertTrue(log.records.isEmpty(), "a preemption is not logged: " + log.records.size() + " records");
                SchedSnapshot.Counters c = s.snapshot().counters();
                assertEquals(1, c.preemptions());
            } finally {
                stop(s);
            }
        }
    }

    /** With {@code long-running.handoff=false} a CPU-bound G keeps its P: the only P stays with it. */
    @Test
    void preemptionCanBeSwitchedOff() throws Exception {
        Scheduler s = Scheduler.start(config(1).blockingDetection(false).longRunningThreshold(Duration.ofMillis(5))
                .longRunningHandoff(false).build());
        try {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch secondRan = new CountDownLatch(1);
            s.execute(Schedulers.holdP(started, release));
            assertTrue(started.await(5, TimeUnit.SECONDS));
            s.execute(secondRan::countDown);
            assertTrue(!secondRan.await(100, TimeUnit.MILLISECONDS), "the hog was preempted although switched off");
            release.countDown();
            assertTrue(secondRan.await(5, TimeUnit.SECONDS));
            assertEquals(0, s.snapshot().counters().preemptions());
        } finally {
            stop(s);
        }
    }
}
