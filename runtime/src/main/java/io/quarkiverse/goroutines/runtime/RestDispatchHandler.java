package io.quarkiverse.goroutines.runtime;

import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ServerRestHandler;

import io.quarkiverse.goroutines.scheduler.GoroutineLabel;
import io.quarkiverse.goroutines.scheduler.Scheduler;

/**
 * Moves the rest of a blocking request to a G.
 * <p>
 * Invariant: after this handler the request runs on an M, or on the stock pool when the scheduler is disabled or not
 * running (then the stock {@code BlockingHandler} dispatches it). A full scheduler throws
 * {@code RejectedExecutionException} from {@code resume}, which Quarkus answers with 503.
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
