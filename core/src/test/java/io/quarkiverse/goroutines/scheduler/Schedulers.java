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

    static SchedulerConfig.Builder config(int procs) {
        return SchedulerConfig.builder().name("test").procs(procs);
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
