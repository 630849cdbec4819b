package io.quarkiverse.goroutines.scheduler;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;

/**
 * Thrown by {@link Scheduler#execute(Runnable)} while the scheduler sheds load: Gs have waited longer than
 * {@code admission.target} for a P for a whole {@code admission.interval}. An HTTP server answers 503 with
 * {@code Retry-After: }{@link #retryAfter()}.
 */
public final class OverloadedException extends RejectedExecutionException {
    private static final long serialVersionUID = 1L;
    private final transient Duration retryAfter;

    OverloadedException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    /** How long a client should wait before it tries again. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
