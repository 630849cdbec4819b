package io.quarkiverse.goroutines.runtime;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

import org.jboss.threads.ContextHandler;

import io.quarkiverse.goroutines.scheduler.OverloadedException;
import io.quarkiverse.goroutines.scheduler.Scheduler;

/**
 * The app's view of the scheduler: each {@link #execute} is a new G.
 * <p>
 * The Quarkus context (Vert.x duplicated context, CDI request scope, MDC, security identity) is captured on the
 * submitting thread and re-established on the M through Quarkus's own {@link ContextHandler}, exactly as the stock
 * pool does. The lifecycle belongs to the extension: the shutdown methods of this view do nothing, so that Vert.x
 * close or a stray {@code shutdown()} cannot stop the scheduler.
 */
public final class GoExecutor extends AbstractExecutorService {

    private final Scheduler scheduler;
    private final ContextHandler<Object> contextHandler;

    public GoExecutor(Scheduler scheduler, ContextHandler<Object> contextHandler) {
        this.scheduler = scheduler;
        this.contextHandler = contextHandler;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /**
     * Starts a G; never starts a thread on the caller.
     *
     * @throws java.util.concurrent.RejectedExecutionException when more than {@code max-runnable} Gs are queued or the
     *         scheduler is shut down; Quarkus answers such a request with 503
     * @throws io.quarkiverse.goroutines.scheduler.OverloadedException while the scheduler sheds load; an HTTP request
     *         is answered 503 with {@code Retry-After} ({@link OverloadedFailureHandler})
     */
    @Override
    public void execute(Runnable task) {
        Runnable g = contextHandler == null ? task
                : new ContextualTask(contextHandler, task, contextHandler.captureContext());
        try {
            scheduler.execute(g);
        } catch (OverloadedException e) {
            if (!AdmissionExemptHandler.current()) {
                throw e;
            }
            scheduler.go(g); // health checks and metrics answer while the app sheds
        }
    }

    @Override
    public void shutdown() {
        // owned by the extension
    }

    @Override
    public List<Runnable> shutdownNow() {
        return Collections.emptyList();
    }

    @Override
    public boolean isShutdown() {
        return scheduler.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return scheduler.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return scheduler.awaitTermination(timeout, unit);
    }

    /** A task run inside the context captured when it was submitted. */
    private record ContextualTask(ContextHandler<Object> handler, Runnable task, Object context) implements Runnable {
        @Override
        public void run() {
            handler.runWith(task, context);
        }

        @Override
        public String toString() {
            return task.toString();
        }
    }
}
