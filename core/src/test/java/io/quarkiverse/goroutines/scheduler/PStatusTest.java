package io.quarkiverse.goroutines.scheduler;

import static io.quarkiverse.goroutines.scheduler.Schedulers.config;
import static io.quarkiverse.goroutines.scheduler.Schedulers.stop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.quarkiverse.goroutines.Go;

/** Every P transition, observed on a live scheduler. */
class PStatusTest {

    @Test
    void idleRunningSyscallAndBack() throws Exception {
        Schedulers.platformOnly("Go.syscall states");
        Scheduler s = Scheduler.start(config(2).blockingDetection(false).syscallRetakeAfter(Duration.ofMinutes(1)).build());
        try {
            Schedulers.await("both Ps idle", Duration.ofSeconds(5),
                    () -> s.snapshot().ps().stream().allMatch(p -> p.status() == PStatus.IDLE));
            AtomicReference<PStatus> running = new AtomicReference<>();
            AtomicReference<PStatus> inSyscall = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            s.execute(() -> {
                int p = Go.current().orElseThrow().p();
                running.set(s.allp()[p].status());
                try {
                    Go.syscall(() -> inSyscall.set(s.allp()[p].status()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                done.countDown();
            });
            assertTrue(done.await(5, TimeUnit.SECONDS));
            assertEquals(PStatus.RUNNING, running.get()); // IDLE -> RUNNING (acquirep)
            assertEquals(PStatus.SYSCALL, inSyscall.get()); // RUNNING -> SYSCALL (entersyscall)
            Schedulers.await("Ps idle again", Duration.ofSeconds(5), // RUNNING -> IDLE (releasep)
                    () -> s.snapshot().ps().stream().allMatch(p -> p.status() == PStatus.IDLE));
        } finally {
            stop(s);
        }
    }

    @Test
    void syscallRetakeMovesSyscallToIdleAndHandsOff() throws Exception {
        Schedulers.platformOnly("Go.syscall retake");
        Scheduler s = Scheduler.start(config(1).build());
        try {
            P p = s.allp()[0];
            CountDownLatch inCall = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            long ticksBefore = p.syscalltick;
            s.execute(() -> {
                Schedulers.syscallUntil(inCall, release);
            });
            assertTrue(inCall.await(5, TimeUnit.SECONDS));
            // One P, none idle: sysmon retakes it on its next pass even with an empty queue.
            Schedulers.await("the retake", Duration.ofSeconds(5), () -> s.snapshot().counters().syscallRetakes() > 0);
            assertTrue(p.syscalltick >= ticksBefore + 2, "enter and retake both bump syscalltick");
            release.countDown();
        } finally {
            stop(s);
        }
    }

    @Test
    void casRulesOnTheWord() {
        P p = new P(0);
        assertEquals(PStatus.GCSTOP, p.status(), "new Ps start stopped, as in Go");
        p.setStatus(PStatus.SYSCALL);
        assertTrue(p.casStatus(PStatus.SYSCALL, PStatus.RUNNING)); // exitsyscall fast path
        assertFalse(p.casStatus(PStatus.SYSCALL, PStatus.IDLE), "a retake must lose once the M took it back");
        p.setStatus(PStatus.SYSCALL);
        assertTrue(p.casStatus(PStatus.SYSCALL, PStatus.IDLE)); // retake
        assertFalse(p.casStatus(PStatus.SYSCALL, PStatus.RUNNING), "the M must lose once sysmon retook it");
        p.setStatus(PStatus.SYSCALL);
        assertTrue(p.casStatus(PStatus.SYSCALL, PStatus.GCSTOP)); // stop-the-world
        p.setStatus(PStatus.DEAD); // procresize shrink
        assertEquals(PStatus.DEAD, p.status());
    }
}
