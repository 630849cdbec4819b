package io.quarkiverse.goroutines.scheduler;

import static io.quarkiverse.goroutines.scheduler.Schedulers.config;
import static io.quarkiverse.goroutines.scheduler.Schedulers.stop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

/**
 * sysmon judges each native hand-off on its next pass ({@code nativeFalse}). The G's thread is put in the state that
 * fools the kernel probe: waiting for a class initializer that another thread runs, it is RUNNABLE to the JVM and
 * asleep on a futex to the kernel, exactly as a thread held at a JVM safepoint is. Released, it runs on while its G
 * is still detached: that hand-off was needless. Kept waiting, the hand-off stands.
 */
class FalseHandoffTest {
    // Outside the gates: touching a gate's own static field would run its initializer on the test's thread.
    static final CountDownLatch ENTERED_A = new CountDownLatch(1);
    static final CountDownLatch RELEASE_A = new CountDownLatch(1);
    static final CountDownLatch ENTERED_B = new CountDownLatch(1);
    static final CountDownLatch RELEASE_B = new CountDownLatch(1);

    /** Initialised by a plain thread, which stays inside the initializer until {@link #RELEASE_A}. */
    static final class GateA {
        static {
            ENTERED_A.countDown();
            awaitQuietly(RELEASE_A);
        }

        static void touch() {
        }
    }

    /** As {@link GateA}, for the second test (a class is initialised once per JVM). */
    static final class GateB {
        static {
            ENTERED_B.countDown();
            awaitQuietly(RELEASE_B);
        }

        static void touch() {
        }
    }

    @Test
    void aThreadRunningAgainWhileItsGIsDetachedMakesTheHandoffFalse() throws Exception {
        Holder gate = new Holder(GateA::touch, ENTERED_A, RELEASE_A);
        Scheduler s = Scheduler.start(config(1).build());
        s.sysmon.paused = true;
        try {
            M m = gate.handedOff(s);
            SchedSnapshot.Counters c = s.snapshot().counters();
            assertEquals(1, c.nativeDetected(), "not a native detection: " + c);

            gate.release.countDown(); // the initializer ends: the G's thread runs on, without a P
            assertTrue(gate.pastInit.await(5, TimeUnit.SECONDS));
            Schedulers.await("the released thread to run", Duration.ofSeconds(5), () -> m.kernelState() == 'R');
            s.sysmon.pass(System.nanoTime());
            assertEquals(1, s.snapshot().counters().nativeFalse(), "the needless hand-off was not counted");
        } finally {
            gate.finish();
            s.sysmon.paused = false;
            stop(s);
        }
    }

    @Test
    void aThreadStillAsleepOnTheNextPassKeepsTheHandoff() throws Exception {
        Holder gate = new Holder(GateB::touch, ENTERED_B, RELEASE_B);
        Scheduler s = Scheduler.start(config(1).build());
        s.sysmon.paused = true;
        try {
            M m = gate.handedOff(s);
            Thread.sleep(1);
            assertEquals('S', m.kernelState(), "the G's thread woke up before the judging pass");
            s.sysmon.pass(System.nanoTime());
            SchedSnapshot.Counters c = s.snapshot().counters();
            assertEquals(1, c.nativeDetected());
            assertEquals(0, c.nativeFalse(), "a hand-off of a thread still asleep was counted as false: " + c);
        } finally {
            gate.release.countDown();
            gate.finish();
            s.sysmon.paused = false;
            stop(s);
        }
    }

    /**
     * One class initializer held open by a plain thread, and the G that waits for it; the G then spins until
     * {@link #finish}.
     */
    private static final class Holder {
        final Runnable touch;
        final CountDownLatch entered;
        final CountDownLatch release;
        final CountDownLatch pastInit = new CountDownLatch(1);
        final AtomicBoolean done = new AtomicBoolean();
        Thread initializer;

        Holder(Runnable touch, CountDownLatch entered, CountDownLatch release) {
            this.touch = touch;
            this.entered = entered;
            this.release = release;
        }

        /**
         * Starts the initializer, then a G that waits for it with work queued behind it; once the kernel has the G's
         * thread asleep and the G has run past sysmon's 50 µs probe age, one pass hands the P off. Returns the G's M.
         */
        M handedOff(Scheduler s) throws Exception {
            initializer = new Thread(touch, "class-initializer");
            initializer.start();
            assertTrue(entered.await(5, TimeUnit.SECONDS));
            CountDownLatch started = new CountDownLatch(1);
            s.execute(() -> {
                started.countDown();
                touch.run(); // waits for the initializer: RUNNABLE to the JVM, asleep to the kernel
                pastInit.countDown();
                while (!done.get()) {
                    Thread.onSpinWait();
                }
            });
            s.execute(() -> {
            }); // work waits behind the P: the condition for a hand-off on the first sighting
            assertTrue(started.await(5, TimeUnit.SECONDS));
            M m = s.allp()[0].m;
            Schedulers.await("the G's thread to sleep in the kernel", Duration.ofSeconds(5),
                    () -> m.kernelState() == 'S');
            Thread.sleep(1);
            assertEquals(1, s.sysmon.pass(System.nanoTime()), "the G waiting in the initializer was not handed off");
            return m;
        }

        void finish() throws InterruptedException {
            done.set(true);
            if (initializer != null) {
                initializer.join(5000);
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
