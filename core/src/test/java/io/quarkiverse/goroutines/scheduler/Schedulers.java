package io.quarkiverse.goroutines.scheduler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;

import io.quarkiverse.goroutines.Go;

/** Helpers shared by scheduler tests. */
final class Schedulers {
    private Schedulers() {
    }

    /**
     * The mode the engine tests run in: the build runs the suite once per mode (system property
     * {@code goroutines.test.mode}, PLATFORM when unset).
     */
    static final SchedulerMode MODE = SchedulerMode.valueOf(System.getProperty("goroutines.test.mode", "PLATFORM"));

    /**
     * A test scheduler in the suite's mode. Preemption is off, so that a G that spins ({@link #holdP}) keeps its P
     * for as long as a test needs; tests of preemption switch it on, and {@link #defaults} keeps every default.
     */
    static SchedulerConfig.Builder config(int procs) {
        return defaults(procs).longRunningHandoff(false);
    }

    /** A test scheduler in the suite's mode with every other setting at its default. */
    static SchedulerConfig.Builder defaults(int procs) {
        return SchedulerConfig.builder().name("test").procs(procs).mode(MODE);
    }

    /** Shuts down and asserts that every thread of the scheduler is gone. */
    static void stop(Scheduler s) throws InterruptedException {
        ShutdownReport r = s.shutdownGracefully(Duration.ofSeconds(10));
        assertTrue(r.clean(), "shutdown dropped work: " + r);
        assertTrue(s.isTerminated(), "scheduler did not terminate");
    }

    /** Waits for a condition that another thread makes true, failing after {@code timeout}. */
    static void await(String what, Duration timeout, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(1);
        }
    }

    /**
     * Skips a test that checks how a platform thread blocking on its M behaves (hand-off of a blocked M, syscall
     * states, one M per blocked G): in virtual mode such a G parks instead, which {@code VirtualModeTest} covers.
     */
    static void platformOnly(String why) {
        org.junit.jupiter.api.Assumptions.assumeTrue(MODE == SchedulerMode.PLATFORM,
                "platform-mode behaviour (" + why + "); a virtual G parks instead");
    }

    /**
     * A G body that holds its P in either mode: counts {@code started} down, then spins until {@code release}
     * opens. (A virtual G that blocked would park and free its P.)
     */
    static Runnable holdP(CountDownLatch started, CountDownLatch release) {
        return () -> {
            started.countDown();
            while (release.getCount() > 0) {
                Thread.onSpinWait();
            }
        };
    }

    /** A G body that counts {@code started} down, then blocks until {@code release} opens (or an interrupt). */
    static Runnable blockUntil(CountDownLatch started, CountDownLatch release) {
        return () -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /** Inside a G: an announced blocking call that counts {@code inCall} down, then waits for {@code release}. */
    static void syscallUntil(CountDownLatch inCall, CountDownLatch release) {
        try {
            Go.syscall(() -> {
                inCall.countDown();
                release.await();
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** About {@code nanos} of CPU work. */
    static long spin(long nanos) {
        long end = System.nanoTime() + nanos;
        long x = 1;
        while (System.nanoTime() < end) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }
}
