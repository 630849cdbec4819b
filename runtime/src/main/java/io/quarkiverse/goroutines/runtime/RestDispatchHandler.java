package io.quarkiverse.goroutines.runtime;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;

import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveResourceInfo;
import org.jboss.resteasy.reactive.server.spi.ServerRestHandler;

import io.quarkiverse.goroutines.scheduler.GoroutineLabel;
import io.quarkiverse.goroutines.scheduler.Scheduler;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Moves the rest of a blocking request to a G.
 * <p>
 * Invariant: after this handler the request runs on an M, or on the stock pool when the scheduler is disabled or not
 * running (then the stock {@code BlockingHandler} dispatches it). A refusal is thrown from {@code resume} and fails
 * the routing context: {@code OverloadedException} (the scheduler sheds load) is answered 503 with
 * {@code Retry-After} by {@link OverloadedFailureHandler}; a plain {@code RejectedExecutionException}
 * ({@code max-runnable}) is answered 503 by Quarkus.
 * When the request has a deadline ({@code quarkus.goroutines.request.timeout}, {@link RequestTimeout}) or a
 * disconnect should cancel it, its G runs in a {@link RequestGroup}.
 * <p>
 * One instance serves one resource method; {@link #annotated} caches the method's {@link RequestTimeout} (written by
 * whichever request looks first; every writer writes the same value).
 */
public class RestDispatchHandler implements ServerRestHandler {
    /** The method's own deadline: null until looked up; empty for none; zero for "off". */
    private volatile Optional<Duration> annotated;

    @Override
    public void handle(ResteasyReactiveRequestContext requestContext) {
        if (Scheduler.onM()) {
            return;
        }
        GoExecutor go = Goroutines.executor();
        if (go == null) {
            return;
        }
        Goroutines.RequestSettings settings = Goroutines.requests();
        Duration timeout = annotatedTimeout(requestContext).orElse(settings.timeout());
        if (timeout != null && timeout.isZero()) {
            timeout = null;
        }
        Context eventLoop = Vertx.currentContext();
        RequestGroup watch = (timeout != null || settings.cancelOnDisconnect()) && eventLoop != null
                ? RequestGroup.watch(requestContext, eventLoop, timeout, settings.cancelOnDisconnect())
                : null;
        requestContext.suspend();
        // The G carries the request it serves, for goroutine dumps and the Dev UI.
        String label = requestContext.getMethod() + " " + requestContext.getPath();
        requestContext.resume(task -> {
            try {
                go.execute(GoroutineLabel.wrap(label, watch == null ? task : watch.member(task)));
            } catch (RejectedExecutionException refused) {
                if (watch != null) {
                    watch.refused(); // the request ends here: no deadline timer left behind
                }
                throw refused;
            }
        });
    }

    private Optional<Duration> annotatedTimeout(ResteasyReactiveRequestContext requestContext) {
        Optional<Duration> a = annotated;
        if (a == null) {
            a = Optional.empty();
            ResteasyReactiveResourceInfo info = requestContext.getResteasyReactiveResourceInfo();
            if (info != null) {
                RequestTimeout t = info.getMethod() == null ? null : info.getMethod().getAnnotation(RequestTimeout.class);
                if (t == null && info.getResourceClass() != null) {
                    t = info.getResourceClass().getAnnotation(RequestTimeout.class);
                }
                if (t != null) {
                    a = Optional.of(Duration.of(t.value(), t.unit()));
                }
            }
            annotated = a;
        }
        return a;
    }
}
