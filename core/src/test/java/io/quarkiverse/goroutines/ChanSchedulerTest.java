package io.quarkiverse.goroutines;

import static io.quarkiverse.goroutines.Env.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.quarkiverse.goroutines.scheduler.SchedSnapshot;
import io.quarkiverse.goroutines.scheduler.Scheduler;
import io.quarkiverse.goroutines.scheduler.SchedulerConfig;
import io.quarkiverse.goroutines.scheduler.SchedulerMode;

/** How channel blocking meets the scheduler: a G blocked on a channel holds no P. */
@Timeout(60)
class ChanSchedulerTest {

    /**
     * One P, and sysmon's detection of unannounced blocking switched off: the only way the second G can run while
     * the first waits is that the channel receive handed the P off (Go's {@code entersyscallblock}). If it kept the
     * P, the send would never run and the receive would never return.
     */
    @Test
    void aGBlockedOnAChannelReleasesItsP() throws Exception {
        SchedulerConfig config = SchedulerConfig.builder().name("chan-p").procs(1).mode(SchedulerMode.PLATFORM)
                .blockingDetection(false)
                .longRunningHandoff(false).build();
        try (Env.Gs env = new Env.Gs(config)) {
            Chan<Integer> ch = Chan.make();
            CountDownLatch receiving = new CountDownLatch(1);
            CountDownLatch received = new CountDownLatch(1);
            AtomicReference<Integer> got = new AtomicReference<>();
            AtomicReference<SchedSnapshot> during = new AtomicReference<>();
            AtomicLong receiverId = new AtomicLong();
            env.go(() -> {
                receiverId.set(Go.current().orElseThrow().id());
                receiving.countDown();
                got.set(ch.receive());
                received.countDown();
            });
            await(receiving);
            env.go(() -> {
                // Runs on the only P, so the receiver is not running: it waits in the channel, P-less.
                during.set(env.scheduler.snapshot());
                ch.send(42);
            });
            await(received);
            assertEquals(42, got.get());
            SchedSnapshot.MInfo m = during.get().ms().stream().filter(x -> x.curg() == receiverId.get()).findFirst()
                    .orElseThrow(() -> new AssertionError("the receiver's M is not in " + during.get()));
            assertEquals("SYSCALL", m.curgState(), "the receiver waits as in a blocking syscall: " + m);
            assertEquals(-1, m.p(), "the receiver's M holds no P: " + m);
            assertTrue(during.get().counters().handoffs() >= 1, "the P was handed off");
        }
    }

    /** shutdownNow interrupts running Gs: a G blocked on a channel gives up with a CancellationException. */
    @Test
    void shutdownNowEndsAGBlockedOnAChannel() throws Exception {
        Scheduler s = Scheduler.start(SchedulerConfig.builder().name("chan-now").procs(1).build());
        Chan<String> ch = Chan.make();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        s.execute(() -> {
            try {
                ch.receive();
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        Env.awaitUntil("the receiver blocks", () -> ch.blockedReceivers() == 1);
        s.shutdownNow();
        assertTrue(s.awaitTermination(10, TimeUnit.SECONDS), "a G blocked on a channel kept the scheduler alive");
        assertTrue(thrown.get() instanceof CancellationException, "thrown: " + thrown.get());
        assertEquals(0, ch.blockedReceivers());
    }
}
