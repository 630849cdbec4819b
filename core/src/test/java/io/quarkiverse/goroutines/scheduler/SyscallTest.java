package io.quarkiverse.goroutines.scheduler;

import static io.quarkiverse.goroutines.scheduler.Schedulers.config;
import static io.quarkiverse.goroutines.scheduler.Schedulers.stop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.quarkiverse.goroutines.Go;
import io.quarkiverse.goroutines.GoroutineInfo;

/** Announced blocking: entersyscall / exitsyscall, fast and slow paths, and entersyscallblock. */
class SyscallTest {

    @Test
    void fastPathTakesTheSamePBackWithoutRetake() throws Exception {
        Schedulers.platformOnly("Go.syscall states");
        // Two Ps and an empty queue: sysmon leaves a short syscall alone, so the G gets its own P back.
        Scheduler s = Scheduler.start(config(2).blockingDetection(false).syscallRetakeAfter(Duration.ofMinutes(1)).build());
        try {
            AtomicReference<GoroutineInfo> before = new AtomicReference<>();
            AtomicReference<GoroutineInfo> inside = new AtomicReference<>();
            AtomicReference<GoroutineInfo> after = new AtomicReference<>();
            AtomicReference<SchedSnapshot> during = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            s.execute(() -> {
                before.set(Go.current().orElseThrow());
                try {
                    Go.syscall(() -> {
                        inside.set(Go.current().orElseThrow());
                        during.set(s.snapshot());
                    });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                after.set(Go.current().orElseThrow());
                done.countDown();
            });
            assertTrue(done.await(5, TimeUnit.SECONDS));
            assertEquals("RUNNING", before.get().state());
            assertEquals("SYSCALL", inside.get().state());
            assertEquals(-1, inside.get().p(), "a G in a syscall holds no P");
            assertEquals(PStatus.SYSCALL, during.get().ps().get(before.get().p()).status());
            assertEquals(before.get().p(), after.get().p(), "fast path must take the same P back");
            assertEquals(0, s.snapshot().counters().syscallRetakes());
        } finally {
            stop(s);
        }
    }

    /**
     * One P. G1 blocks in a syscall; sysmon retakes the P for queued work; G2 holds it. When G1's call returns there
     * is no P: G1 waits on its own M, queued in the global queue behind G3 and G4 that came before it, as Go's
     * {@code exitsyscall0} queues it (no queue of returning Gs jumps ahead of the others).
     */
    @Test
    void slowPathWaitsItsTurnInTheGlobalQueue() throws Exception {
        Schedulers.platformOnly("exitsyscall waiting on its M");
        Scheduler s = Scheduler.start(config(1).blockingDetection(false).build());
        try {
            CountDownLatch inSyscall = new CountDownLatch(1);
            CountDownLatch releaseSyscall = new CountDownLatch(1);
            CountDownLatch g2Running = new CountDownLatch(1);
            CountDownLatch releaseG2 = new CountDownLatch(1);
            CountDownLatch all = new CountDownLatch(4);
            ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
            s.execute(() -> {
                Schedulers.syscallUntil(inSyscall, releaseSyscall);
                events.add("G1 back");
                all.countDown();
            });
            assertTrue(inSyscall.await(5, TimeUnit.SECONDS));
            s.execute(() -> {
                g2Running.countDown();
                // Hold the only P, CPU-bound, until told (not blocked: nothing may detach it).
                while (releaseG2.getCount() > 0) {
                    Thread.onSpinWait();
                }
                events.add("G2 done");
                all.countDown();
            });
            assertTrue(g2Running.await(5, TimeUnit.SECONDS), "the P was not retaken from the syscall");
            s.execute(() -> {
                events.add("G3");
                all.countDown();
            });
            s.execute(() -> {
                events.add("G4");
                all.countDown();
            });
            releaseSyscall.countDown();
            Schedulers.await("G1 waiting for a P", Duration.ofSeconds(5),
                    () -> s.snapshot().exitsyscallWaiting() == 1);
            releaseG2.countDown();
            assertTrue(all.await(5, TimeUnit.SECONDS));
            assertEquals(List.of("G2 done", "G3", "G4", "G1 back"), List.copyOf(events), "order: " + events);
            assertTrue(s.snapshot().counters().syscallRetakes() >= 1);
        } finally {
            stop(s);
        }
    }

    @Test
    void syscallBlockHandsThePOffAtOnce() throws Exception {
        // Detection off and retake after a minute: only entersyscallblock can free the P.
        Scheduler s = Scheduler.start(config(1).blockingDetection(false)
                .syscallRetakeAfter(Duration.ofMinutes(1)).sysmonMinInterval(Duration.ofMillis(500))
                .sysmonMaxInterval(Duration.ofMillis(500)).build());
        try {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch inCall = new CountDownLatch(1);
            CountDownLatch secondRan = new CountDownLatch(1);
            CountDownLatch firstDone = new CountDownLatch(1);
            s.execute(() -> {
                try {
                    s.syscallBlock(() -> {
                        inCall.countDown();
                        release.await();
                        return null;
                    });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                firstDone.countDown();
            });
            assertTrue(inCall.await(5, TimeUnit.SECONDS));
            s.execute(secondRan::countDown);
            assertTrue(secondRan.await(400, TimeUnit.MILLISECONDS), "P was not handed off before the call");
            release.countDown();
            assertTrue(firstDone.await(5, TimeUnit.SECONDS));
            assertEquals(0, s.snapshot().counters().syscallRetakes());
        } finally {
            stop(s);
        }
    }

    @Test
    void syscallOutsideAGJustRuns() throws Exception {
        assertEquals(7, (int) Go.syscall(() -> 7));
        assertTrue(Go.current().isEmpty());
    }
}
