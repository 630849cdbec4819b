package io.quarkiverse.goroutines.scheduler;

import static io.quarkiverse.goroutines.scheduler.Schedulers.config;
import static io.quarkiverse.goroutines.scheduler.Schedulers.stop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.quarkiverse.goroutines.Go;

/** Races found in review, each provoked on purpose. */
class RaceRegressionTest {

    /** A yielded G whose P cannot get a new M (cap reached) must still get the P back. */
    @Test
    void yieldAtTheThreadCapDoesNotHang() throws Exception {
        Scheduler s = Scheduler.start(config(1).maxThreads(1).build());
        try {
            CountDownLatch done = new CountDownLatch(2);
            s.execute(() -> {
                Go.go(done::countDown);
                Go.yield();
                done.countDown();
            });
            assertTrue(done.await(5, TimeUnit.SECONDS), "yield at the M cap hung:\n" + s.schedtrace(true));
        } finally {
            stop(s);
        }
    }

    /** Submitting while shutting down: every task is either rejected or run, never silently dropped. */
    @Test
    void submitRacingShutdownLosesNothing() throws Exception {
        for (int iter = 0; iter < 150; iter++) {
            Scheduler s = Scheduler.start(config(2).name("race" + iter).build());
            AtomicInteger accepted = new AtomicInteger();
            AtomicInteger ran = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            Thread[] submitters = new Thread[3];
            for (int k = 0; k < submitters.length; k++) {
                submitters[k] = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < 100_000; i++) {
                        try {
                            s.execute(ran::incrementAndGet);
                            accepted.incrementAndGet();
                        } catch (RejectedExecutionException e) {
                            return;
                        }
                    }
                });
                submitters[k].start();
            }
            go.countDown();
            long until = System.nanoTime() + ThreadLocalRandom.current().nextInt(200_000);
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            s.shutdown();
            for (Thread t : submitters) {
                t.join();
            }
            assertTrue(s.awaitTermination(10, TimeUnit.SECONDS), "iteration " + iter + " did not terminate");
            assertEquals(accepted.get(), ran.get(), "iteration " + iter + ": accepted tasks never ran");
            assertEquals(0, s.numGoroutine());
        }
    }

    /** An interrupt delivered to an M that waits for a P must not make it spin, and must reach the G. */
    @Test
    void interruptedWaitDoesNotSpin() throws Exception {
        Schedulers.platformOnly("an M waiting for a P after a syscall");
        Scheduler s = Scheduler.start(config(1).blockingDetection(false).build());
        try {
            CountDownLatch inCall = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch holderRunning = new CountDownLatch(1);
            CountDownLatch releaseHolder = new CountDownLatch(1);
            AtomicReference<Thread> waiter = new AtomicReference<>();
            AtomicReference<Boolean> sawInterrupt = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            s.execute(() -> {
                waiter.set(Thread.currentThread());
                Schedulers.syscallUntil(inCall, release);
                sawInterrupt.set(Thread.interrupted());
                done.countDown();
            });
            assertTrue(inCall.await(5, TimeUnit.SECONDS));
            s.execute(() -> {
                holderRunning.countDown();
                while (releaseHolder.getCount() > 0) {
                    Thread.onSpinWait();
                }
            });
            assertTrue(holderRunning.await(5, TimeUnit.SECONDS));
            release.countDown();
            Schedulers.await("the G to wait for a P", java.time.Duration.ofSeconds(5),
                    () -> s.snapshot().exitsyscallWaiting() == 1);
            Thread t = waiter.get();
            t.interrupt();
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long cpu0 = mx.getThreadCpuTime(t.getId());
            Thread.sleep(200); // measuring CPU use over an interval, not synchronising
            long cpuMillis = (mx.getThreadCpuTime(t.getId()) - cpu0) / 1_000_000;
            releaseHolder.countDown();
            assertTrue(done.await(5, TimeUnit.SECONDS));
            assertTrue(cpuMillis < 50, "the waiting M burnt " + cpuMillis + " ms of CPU in 200 ms");
            assertTrue(sawInterrupt.get(), "the interrupt must reach the G");
        } finally {
            stop(s);
        }
    }

    /**
     * A G that sysmon detached and that then yields has no P to give away: it must still wait behind the queued work,
     * as any yield does, and not go ahead of it as a G back from a syscall would.
     */
    @Test
    void detachedGYieldsBehindQueuedWork() throws Exception {
        Scheduler s = Scheduler.start(config(1).blockingDetection(false).build());
        try {
            ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch yieldNow = new CountDownLatch(1);
            CountDownLatch holderRunning = new CountDownLatch(1);
            CountDownLatch releaseHolder = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(2);
            s.execute(() -> {
                started.countDown();
                while (yieldNow.getCount() > 0) {
                    Thread.onSpinWait();
                }
                Go.yield();
                events.add("parent after yield");
                done.countDown();
            });
            assertTrue(started.await(5, TimeUnit.SECONDS));
            P p = s.allp()[0];
            // What sysmon does to a blocked G, done here at a known moment.
            Schedulers.await("the detach", Duration.ofSeconds(5), () -> s.syscalls.detachCurrent(p, GStatus.SYSCALL, "test"));
            assertTrue(s.syscalls.retake(p));
            s.execute(() -> {
                holderRunning.countDown();
                while (releaseHolder.getCount() > 0) {
                    Thread.onSpinWait();
                }
            });
            assertTrue(holderRunning.await(5, TimeUnit.SECONDS));
            s.execute(() -> {
                events.add("queued G");
                done.countDown();
            });
            yieldNow.countDown();
            Schedulers.await("the yielding G and the queued G both waiting", Duration.ofSeconds(5),
                    () -> s.snapshot().goroutinesByState().get(GStatus.RUNNABLE) == 2);
            releaseHolder.countDown();
            assertTrue(done.await(5, TimeUnit.SECONDS));
            assertEquals(List.of("queued G", "parent after yield"), List.copyOf(events));
        } finally {
            stop(s);
        }
    }
}
