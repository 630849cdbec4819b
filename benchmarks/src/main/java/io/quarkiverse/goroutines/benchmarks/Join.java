package io.quarkiverse.goroutines.benchmarks;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Waiting for a batch of tasks: a bounded wait, so that an executor that loses tasks fails the benchmark with a
 * message naming it instead of hanging the run, and the first failure of a task rethrown.
 */
final class Join {
    static final long TIMEOUT_SECONDS = 120;

    private Join() {
    }

    /** Waits until {@code latch} reaches 0, at most {@value #TIMEOUT_SECONDS} s. */
    static void await(CountDownLatch latch, String executor, String what) throws InterruptedException {
        if (!latch.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException(executor + ": " + what + " did not finish in " + TIMEOUT_SECONDS + " s, "
                    + latch.getCount() + " left");
        }
    }

    /** Rethrows the first failure a task recorded, if any. */
    static void check(AtomicReference<Throwable> failure, String executor) {
        if (failure.get() != null) {
            throw new IllegalStateException(executor + ": a task failed", failure.get());
        }
    }
}
