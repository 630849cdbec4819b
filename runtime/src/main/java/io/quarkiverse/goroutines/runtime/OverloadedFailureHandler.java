package io.quarkiverse.goroutines.runtime;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;

import io.quarkiverse.goroutines.scheduler.OverloadedException;
import io.quarkiverse.goroutines.scheduler.Scheduler;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers a request the scheduler refused because it sheds load: 503 with {@code Retry-After} in whole seconds and a
 * one-line plain-text body, at once and without a log line per request (shedding shows in the metrics, the Dev UI
 * and the readiness check). Every HTTP path that starts a G (Quarkus REST, blocking routes, {@code executeBlocking}
 * from a route) fails its routing context with the refusal; this failure route comes before Quarkus's error handler
 * and passes every other failure on to it, including the plain 503 of {@code max-runnable}.
 * <p>
 * Vert.x's {@code executeBlocking} replaces the {@link OverloadedException} by a bare
 * {@link RejectedExecutionException}: such a refusal counts as a shed one when the scheduler sheds at that moment.
 * <p>
 * Recorded as a route at build time: public, with a public no-argument constructor.
 */
public class OverloadedFailureHandler implements Handler<RoutingContext> {

    @Override
    public void handle(RoutingContext rc) {
        Duration retryAfter = retryAfter(rc.failure());
        if (retryAfter == null || rc.response().headWritten()) {
            rc.next();
            return;
        }
        GoExecutor go = Goroutines.executor();
        if (go != null) {
            AdmissionProbe.send(go.scheduler());
        }
        String seconds = Long.toString(seconds(retryAfter));
        rc.response().setStatusCode(503)
                .putHeader("Retry-After", seconds)
                .putHeader("Content-Type", "text/plain; charset=utf-8")
                .end("overloaded: requests wait too long for a P; retry after " + seconds + " s\n");
    }

    /** How long the client should wait if {@code failure} is a refusal for overload, else {@code null}. */
    static Duration retryAfter(Throwable failure) {
        boolean rejected = false;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof OverloadedException o) {
                return o.retryAfter();
            }
            rejected |= t instanceof RejectedExecutionException;
        }
        GoExecutor go = Goroutines.executor();
        if (!rejected || go == null || !go.scheduler().shedding()) {
            return null;
        }
        Scheduler s = go.scheduler();
        return s.config().admissionInterval();
    }

    /** {@code Retry-After} takes whole seconds: rounded up, at least 1. */
    static long seconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }
}
