package io.quarkiverse.goroutines.scheduler;

import static io.quarkiverse.goroutines.scheduler.Schedulers.stop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkiverse.goroutines.Go;

/**
 * Virtual mode: Gs are virtual threads that leave their M while they wait. Skipped, with the reason, where the JDK
 * does not let virtual threads run on our scheduler (Java 17, or java.lang not opened).
 */
class VirtualModeTest {

    @BeforeAll
    static void virtualThreadsAvailable() {
        assumeTrue(VirtualThreads.unavailableReason() == null,
                "virtual mode not available here: " + VirtualThreads.unavailableReason());
    }

    private static SchedulerConfig.Builder virtual(int procs) {
        return SchedulerConfig.builder().name("vtest").procs(procs).mode(SchedulerMode.VIRTUAL);
    }

    @Test
    void autoPicksVirtualAndSaysWhy() throws Exception {
        // No hand-offs: the first G of a cold JVM may run long enough (class loading) to be detached, and this test
        // asks what a G that holds its P sees.
        Scheduler s = Scheduler.start(SchedulerConfig.builder().procs(1).longRunningHandoff(false)
                .blockingDetection(false).build());
        try {
            assertEquals(SchedulerMode.VIRTUAL, s.mode());
            assertTrue(s.modeReason().contains("virtual threads"), s.modeReason());
            AtomicReference<Scheduler.GoroutineView> seen = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            s.execute(() -> {
                seen.set(Scheduler.currentG());
                done.countDown();
            });
            assertTrue(done.await(5, TimeUnit.SECONDS));
            Scheduler.GoroutineView v = seen.get();
            assertNotNull(v, "a virtual G sees itself");
            assertTrue(v.virtual());
            assertEquals(GStatus.RUNNING, v.status());
            assertEquals(0, v.p());
            assertTrue(v.thread().startsWith("goroutines-m-"), "names its carrier M: " + v.thread());
        } finally {
            stop(s);
        }
    }

    /**
     * A virtual G woken by a thread without a P (an event loop, the JDK's unblocker after a monitor is released) has
     * work under way: it runs before new Gs that were queued before its wake-up, not behind them.
     */
    @Test
    void aGWokenFromOutsideRunsBeforeNewWork() throws Exception {
        Scheduler s = Scheduler.start(virtual(1).longRunningHandoff(false).blockingDetection(false).build());
        try {
            ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
            AtomicReference<G> waiterG = new AtomicReference<>();
            AtomicReference<Thread> waiter = new AtomicReference<>();
            AtomicBoolean wake = new AtomicBoolean();
            CountDownLatch all = new CountDownLatch(5);
            s.execute(() -> {
                waiter.set(Thread.currentThread());
                waiterG.set(Scheduler.CURRENT_VG.get());
                while (!wake.get()) {
                    LockSupport.park();
                }
                order.add("woken");
                all.countDown();
            });
            Schedulers.await("the G parks", Duration.ofSeconds(5),
                    () -> waiterG.get() != null && waiterG.get().status() == GStatus.WAITING);
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            s.execute(() -> {
                holding.countDown();
                while (release.getCount() > 0) {
                    Thread.onSpinWait(); // holds the only P
                }
                all.countDown();
            });
            assertTrue(holding.await(5, TimeUnit.SECONDS));
            for (int i = 0; i < 3; i++) {
                String name = "new" + i;
                s.execute(() -> {
                    order.add(name);
                    all.countDown();
                });
            }
            wake.set(true);
            LockSupport.unpark(waiter.get()); // from the test's thread, which holds no P
            Schedulers.await("the woken G is queued", Duration.ofSeconds(5), () -> s.sched.runqsize == 4);
            release.countDown();
            assertTrue(all.await(5, TimeUnit.SECONDS));
            assertEquals(List.of("woken", "new0", "new1", "new2"), List.copyOf(order), "order: " + order);
        } finally {
            stop(s);
        }
    }

    /** 10,000 Gs each wait 100 ms at the same time, on a handful of Ms: waiting Gs hold no thread. */
    @Test
    void tenThousandSleepingGsNeedFewMs() throws Exception {
        int procs = 2;
        int n = 10_000;
        Scheduler s = Scheduler.start(virtual(procs).build());
        try {
            CountDownLatch allAsleep = new CountDownLatch(n);
            CountDownLatch done = new CountDownLatch(n);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                s.execute(() -> {
                    allAsleep.countDown();
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    done.countDown();
                });
            }
            assertTrue(allAsleep.await(20, TimeUnit.SECONDS), "not every G started");
            SchedSnapshot mid = s.snapshot();
            int waiting = mid.goroutinesByState().getOrDefault(GStatus.WAITING, 0);
            assertTrue(done.await(30, TimeUnit.SECONDS), "not every G finished: " + done.getCount() + " left");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            int threads = s.snapshot().threads();
            System.out.println("virtual: " + n + " Gs x sleep(100ms) took " + ms + " ms with " + threads
                    + " Ms (" + waiting + " WAITING in mid-run snapshot); " + s.snapshot().counters() + " nativeRejected="
                    + s.stats.nativeRejected);
            assertTrue(threads <= procs + 4, "virtual Gs that sleep should not need Ms of their own: " + threads);
            assertTrue(waiting > 0, "a mid-run snapshot should find WAITING Gs");
        } finally {
            stop(s);
        }
        assertEquals(0, s.numGoroutine());
    }

    /**
     * 10,000 Gs each wait 100 ms on a channel (a Go.after timer): parked on the channel, none holds an M. A first
     * round of 100 Gs warms up: the first use of the channel classes initialises them, and a carrier waiting for a
     * class initialisation is pinned, which sysmon rightly hands off (an extra M or two on a busy host).
     */
    @Test
    void tenThousandGsWaitingOnChannelsNeedFewMs() throws Exception {
        int procs = 2;
        Scheduler s = Scheduler.start(virtual(procs).build());
        try {
            for (int n : new int[] { 100, 10_000 }) {
                CountDownLatch done = new CountDownLatch(n);
                AtomicInteger peakMs = new AtomicInteger();
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    s.execute(() -> {
                        if (io.quarkiverse.goroutines.Go.after(java.time.Duration.ofMillis(100)).receive() != null) {
                            done.countDown();
                        }
                    });
                }
                while (!done.await(10, TimeUnit.MILLISECONDS)) {
                    peakMs.accumulateAndGet(s.snapshot().threads(), Math::max);
                    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30), done.getCount() + " Gs left");
                }
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                System.out.println("virtual: " + n + " Gs x channel wait(100ms) took " + ms + " ms, peak " + peakMs
                        + " Ms; " + s.snapshot().counters());
                assertTrue(peakMs.get() <= procs + 4, "Gs waiting on channels should not hold Ms: peak " + peakMs);
            }
        } finally {
            stop(s);
        }
    }

    /** A G parked by LockSupport and unparked by another G: the wake-up lands on the waker's P (Go's ready). */
    @Test
    void unparkedGRunsAgainAndEveryWakeupCounts() throws Exception {
        Scheduler s = Scheduler.start(virtual(2).build());
        try {
            int rounds = 2000;
            AtomicReference<Thread> sleeper = new AtomicReference<>();
            AtomicInteger turns = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(2);
            AtomicInteger token = new AtomicInteger(); // 0: waker's turn, 1: sleeper's turn
            s.execute(() -> {
                sleeper.set(Thread.currentThread());
                for (int i = 0; i < rounds; i++) {
                    while (token.get() != 1) {
                        LockSupport.park(this);
                    }
                    turns.incrementAndGet();
                    token.set(0);
                }
                done.countDown();
            });
            s.execute(() -> {
                while (sleeper.get() == null) {
                    Thread.yield();
                }
                for (int i = 0; i < rounds; i++) {
                    while (token.get() != 0) {
                        Thread.yield();
                    }
                    token.set(1);
                    LockSupport.unpark(sleeper.get());
                }
                done.countDown();
            });
            assertTrue(done.await(20, TimeUnit.SECONDS), "ping-pong stalled after " + turns.get() + " turns");
            assertEquals(rounds, turns.get());
        } finally {
            stop(s);
        }
    }

    /**
     * A G pinned in native code (opening a FIFO blocks in the kernel until a writer comes; the JDK cannot unmount a
     * thread there) keeps its M: sysmon must hand the only P to another M so that the queued G runs. Causal: the
     * writer opens only after the queued G ran.
     */
    @Test
    void pinnedNativeBlockIsHandedOff() throws Exception {
        Path fifo = Files.createTempDirectory("vfifo").resolve("pipe");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mk.waitFor() == 0, "mkfifo not available");
        Scheduler s = Scheduler.start(virtual(1).build());
        try {
            CountDownLatch pinnedStarted = new CountDownLatch(1);
            CountDownLatch queuedRan = new CountDownLatch(1);
            CountDownLatch pinnedDone = new CountDownLatch(1);
            AtomicInteger read = new AtomicInteger(-2);
            s.execute(() -> {
                pinnedStarted.countDown();
                try (InputStream in = new FileInputStream(fifo.toFile())) {
                    read.set(in.read());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                pinnedDone.countDown();
            });
            assertTrue(pinnedStarted.await(5, TimeUnit.SECONDS));
            s.execute(queuedRan::countDown);
            boolean ran = queuedRan.await(10, TimeUnit.SECONDS);
            try (FileOutputStream out = new FileOutputStream(fifo.toFile())) {
                out.write(42);
            }
            assertTrue(ran, "the queued G did not run while the other G was pinned in native code");
            assertTrue(pinnedDone.await(5, TimeUnit.SECONDS));
            assertEquals(42, read.get());
            SchedSnapshot.Counters c = s.snapshot().counters();
            assertTrue(c.handoffs() >= 1, "no hand-off counted: " + c);
            System.out.println("virtual: pinned native open() handed off; detection max "
                    + c.detectNanosMax() / 1000 + " us, native detections " + c.nativeDetected()
                    + ", blocked detections " + c.blockedDetected());
        } finally {
            stop(s);
        }
    }

    /**
     * A G pinned in the kernel (a FIFO open) while work waits is handed off on the kernel's word: its thread is
     * RUNNABLE to the JVM but asleep ({@code S}) to the kernel. With a 10 s threshold the CPU-time window would take
     * 2.5 s, and preemption is off, so a queued G that runs within 2 s ran because of the first sighting.
     */
    @Test
    void aPinnedGIsHandedOffOnTheKernelsWord() throws Exception {
        Path fifo = Files.createTempDirectory("kfifo").resolve("pipe");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mk.waitFor() == 0, "mkfifo not available");
        assumeTrue(OsThreads.currentTid() >= 0, "no /proc here");
        Scheduler s = Scheduler.start(virtual(1).blockingThreshold(java.time.Duration.ofSeconds(10))
                .longRunningHandoff(false).build());
        try {
            CountDownLatch pinnedStarted = new CountDownLatch(1);
            CountDownLatch queuedRan = new CountDownLatch(1);
            CountDownLatch pinnedDone = new CountDownLatch(1);
            s.execute(() -> {
                pinnedStarted.countDown();
                try (InputStream in = new FileInputStream(fifo.toFile())) {
                    in.read();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                pinnedDone.countDown();
            });
            assertTrue(pinnedStarted.await(5, TimeUnit.SECONDS));
            s.execute(queuedRan::countDown);
            boolean ran = queuedRan.await(2, TimeUnit.SECONDS);
            try (FileOutputStream out = new FileOutputStream(fifo.toFile())) {
                out.write(1);
            }
            assertTrue(ran, "the queued G waited for the CPU-time window: the kernel's state was not used");
            assertTrue(pinnedDone.await(5, TimeUnit.SECONDS));
            assertTrue(s.snapshot().counters().nativeDetected() >= 1, "not counted as native: " + s.snapshot());
        } finally {
            stop(s);
        }
    }

    /** A socket read parks the virtual G (the JDK's poller wakes it): the only P runs a queued G meanwhile. */
    @Test
    void socketReadParks() throws Exception {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            CountDownLatch queuedRan = new CountDownLatch(1);
            Thread peer = new Thread(() -> {
                try (java.net.Socket c = server.accept()) {
                    queuedRan.await(10, TimeUnit.SECONDS); // answer only after the queued G ran
                    c.getOutputStream().write('k');
                } catch (Exception e) {
                    // the reader sees the connection close
                }
            });
            peer.start();
            Scheduler s = Scheduler.start(virtual(1).blockingDetection(false).build());
            try {
                AtomicInteger read = new AtomicInteger(-2);
                CountDownLatch readDone = new CountDownLatch(1);
                CountDownLatch reading = new CountDownLatch(1);
                s.execute(() -> {
                    try (java.net.Socket c = new java.net.Socket(server.getInetAddress(), server.getLocalPort())) {
                        reading.countDown();
                        read.set(c.getInputStream().read());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    readDone.countDown();
                });
                assertTrue(reading.await(5, TimeUnit.SECONDS));
                s.execute(queuedRan::countDown);
                assertTrue(queuedRan.await(10, TimeUnit.SECONDS), "the queued G did not run while the other read");
                assertTrue(readDone.await(10, TimeUnit.SECONDS), "the reading G was never woken");
                assertEquals('k', read.get());
                SchedSnapshot.Counters c = s.snapshot().counters();
                // A preemption (a cold start's class loading can hold the P for a slice) is no hand-off of a read.
                assertEquals(c.preemptions(), c.handoffs(), "a parked read needs no hand-off: " + c);
            } finally {
                stop(s);
            }
            peer.join(5000);
        }
    }

    /** A throwing virtual G is logged and ends; its M and the scheduler carry on. */
    @Test
    void throwingGEndsAndOthersRun() throws Exception {
        Scheduler s = Scheduler.start(virtual(1).build());
        try (LogCapture log = new LogCapture()) {
            CountDownLatch after = new CountDownLatch(1);
            s.execute(() -> {
                throw new IllegalStateException("boom");
            });
            s.execute(after::countDown);
            assertTrue(after.await(5, TimeUnit.SECONDS));
            Schedulers.await("panic counted", java.time.Duration.ofSeconds(5),
                    () -> s.snapshot().counters().panics() == 1);
            assertTrue(log.contains("failed; its M carries on"), "the failure was not logged");
        } finally {
            stop(s);
        }
    }

    /**
     * Go.yield from a virtual G lets every G queued before it run first, as Gosched does. (A warm-up first: a cold
     * start's class loading can use up the time slice, and a chain past its slice is cut, as Go preempts it.)
     */
    @Test
    void yieldGoesBehindQueuedWork() throws Exception {
        Scheduler s = Scheduler.start(virtual(1).build());
        try {
            CountDownLatch warm = new CountDownLatch(1);
            s.execute(() -> {
                Go.go(() -> order0());
                Go.yield();
                warm.countDown();
            });
            assertTrue(warm.await(5, TimeUnit.SECONDS));
            ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
            CountDownLatch done = new CountDownLatch(1);
            s.execute(() -> {
                for (int i = 0; i < 3; i++) {
                    int k = i;
                    Go.go(() -> order.add("child" + k));
                }
                order.add("before-yield");
                Go.yield();
                order.add("after-yield");
                done.countDown();
            });
            assertTrue(done.await(5, TimeUnit.SECONDS));
            List<String> got = new ArrayList<>(order);
            assertEquals("before-yield", got.get(0));
            assertEquals("after-yield", got.get(got.size() - 1), got.toString());
            assertEquals(5, got.size(), got.toString());
        } finally {
            stop(s);
        }
    }

    /** Spawning from inside a virtual G puts the child on the spawner's P (runnext), not the global queue. */
    @Test
    void childOfAVirtualGRunsOnItsP() throws Exception {
        Scheduler s = Scheduler.start(virtual(1).build());
        try {
            AtomicReference<Scheduler.GoroutineView> child = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            s.execute(() -> Go.go(() -> {
                child.set(Scheduler.currentG());
                done.countDown();
            }));
            assertTrue(done.await(5, TimeUnit.SECONDS));
            assertEquals(0, child.get().p());
            assertEquals(0, s.snapshot().globalRunqueue());
            assertFalse(child.get().status() != GStatus.RUNNING);
        } finally {
            stop(s);
        }
    }

    private static void order0() {
        // warm-up body: loads the classes of a spawn and a yield
    }
}
