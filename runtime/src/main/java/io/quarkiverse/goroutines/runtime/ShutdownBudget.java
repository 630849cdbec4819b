package io.quarkiverse.goroutines.runtime;

import java.time.Duration;
import java.util.Optional;

import io.quarkus.runtime.shutdown.ShutdownListener;

/**
 * What is left of Quarkus's shutdown budget ({@code quarkus.shutdown.timeout}) for draining the scheduler.
 * <p>
 * Quarkus spends that budget first, waiting for in-flight requests, and runs its shutdown tasks (our drain among
 * them) only after it. A drain that then waited its own {@code quarkus.goroutines.shutdown.timeout} in full would
 * overrun the budget the operator set; so the drain gets the smaller of its own timeout and what is left of the
 * budget counted from the moment Quarkus began to shut down. Without {@code quarkus.shutdown.timeout} Quarkus does
 * not wait, and the drain has its own timeout.
 */
public final class ShutdownBudget implements ShutdownListener {

    private final Optional<Duration> quarkusTimeout;
    /** When Quarkus began to shut down ({@link System#nanoTime()}), 0 until then; written by its shutdown thread. */
    private volatile long startedNanos;

    ShutdownBudget(Optional<Duration> quarkusTimeout) {
        this.quarkusTimeout = quarkusTimeout;
    }

    /** Quarkus's budget, when one is set. */
    Optional<Duration> quarkusTimeout() {
        return quarkusTimeout;
    }

    /** Called first when Quarkus shuts down, before it waits for in-flight requests: the budget starts here. */
    @Override
    public void preShutdown(ShutdownNotification notification) {
        started(System.nanoTime());
        notification.done();
    }

    void started(long nanos) {
        if (startedNanos == 0) {
            startedNanos = nanos;
        }
    }

    /**
     * How long the drain may wait at {@code nowNanos}: {@code own}, cut to what is left of Quarkus's budget (never
     * negative). A shutdown that did not pass through {@link #preShutdown} starts its budget now.
     */
    Duration drainTimeout(Duration own, long nowNanos) {
        if (quarkusTimeout.isEmpty()) {
            return own;
        }
        long started = startedNanos != 0 ? startedNanos : nowNanos;
        long left = Math.max(0, quarkusTimeout.get().toNanos() - (nowNanos - started));
        return left < own.toNanos() ? Duration.ofNanos(left) : own;
    }
}
