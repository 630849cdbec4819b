package io.quarkiverse.goroutines.runtime;

import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ServerRestHandler;

import io.quarkiverse.goroutines.scheduler.GoroutineLabel;
import io.quarkiverse.goroutines.scheduler.Scheduler;

/**
 * Moves the rest of a blocking request to a G.
 * <p>
 * Invariant: after this handler the request runs on an M, or on the stock pool when the scheduler is disabled or not
 * running (then the stock {@code BlockingHandler} dispatches it). A refusal is thrown from {@code resume} and fails
 * the routing context: {@code OverloadedException} (the scheduler sheds load) is answered 503 with
 * {@code Retry-After} by {@link OverloadedFailureHandler}; a plain {@code RejectedExecutionException}
 * ({@code max-runnable}) is answered 503 by Quarkus.
 */
public class RestDispatchHandler implements ServerRestHandler {

    @Override
    public void handle(ResteasyReactiveRequestContext requestContext) {
        if (Scheduler.onM()) {
            return;
        }
        GoExecutor go = Goroutines.executor();
        if (go == null) {
            return;
        }
        requestContext.suspend();
        // The G carries the request it serves, for goroutine dumps and the Dev UI.
        String label = requestContext.getMethod() + " " + requestContext.getPath();
        requestContext.resume(task -> go.execute(GoroutineLabel.wrap(label, task)));
    }
}
