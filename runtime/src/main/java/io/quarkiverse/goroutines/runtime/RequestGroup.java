package io.quarkiverse.goroutines.runtime;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ServerHttpResponse;

import io.quarkiverse.goroutines.Go;
import io.quarkiverse.goroutines.Group;
import io.vertx.core.Context;

/**
 * The root {@link Group} of one blocking Quarkus REST request: the request's G runs as its member, so the groups the
 * resource method makes are its children. The deadline cancels it and answers 503 at once; a disconnect of the client
 * cancels it.
 * <p>
 * Made on the request's event loop by {@link RestDispatchHandler}. {@link #finished} is set once, when the request
 * context completes (on whatever thread completes it); after that neither the deadline nor a disconnect does anything.
 */
final class RequestGroup {
    private static final Logger LOG = Logger.getLogger(RequestGroup.class);
    /** How long past the deadline the G has to answer by itself before the event loop answers for it. */
    static final long GRACE_MS = 20;

    private final ResteasyReactiveRequestContext request;
    /** The request's Vert.x context: the 503 is written on its event loop. */
    private final Context eventLoop;
    private final Group<Object> group;
    private final AtomicBoolean finished = new AtomicBoolean();

    private RequestGroup(ResteasyReactiveRequestContext request, Context eventLoop, Duration timeout) {
        this.request = request;
        this.eventLoop = eventLoop;
        this.group = timeout == null ? Go.group() : Go.group(timeout);
    }

    /**
     * Starts watching {@code request}, suspended on its event loop: its deadline ({@code null} for none), and its
     * client's disconnect if {@code cancelOnDisconnect}.
     */
    static RequestGroup watch(ResteasyReactiveRequestContext request, Context eventLoop, Duration timeout,
            boolean cancelOnDisconnect) {
        RequestGroup r = new RequestGroup(request, eventLoop, timeout);
        r.group.onCancel(r::cancelled);
        request.registerCompletionCallback(failure -> r.finish());
        if (cancelOnDisconnect) {
            request.serverResponse().addCloseHandler(r::disconnected);
        }
        return r;
    }

    /** {@code task} (a part of the request's handler chain) run as a member of the group. */
    Runnable member(Runnable task) {
        return () -> {
            try {
                group.runAsMember(task::run);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e); // Runnable::run throws no checked exception
            }
        };
    }

    /** The scheduler refused the request's G (503): the request ends without running. */
    void refused() {
        finish();
    }

    private void finish() {
        if (finished.compareAndSet(false, true)) {
            group.close(); // no counted goroutine: stops the deadline timer without waiting
        }
    }

    /** The client went away (on the event loop). */
    private void disconnected() {
        // This handler replaces Quarkus REST's own close handler, which skips the rest of the handler chain: do that
        // too.
        skipRemainingHandlers();
        if (!finished.get()) {
            group.cancel(Group.Cause.DISCONNECT, "the HTTP client disconnected");
        }
    }

    /**
     * The group was cancelled (on the cancelling thread). At the deadline a G that blocks ends within a few ms and
     * answers 503 itself ({@link CancelledRequestMapper}); after {@link #GRACE_MS} the event loop answers for a G that
     * has not (one that computes without blocking), so the client waits no longer than that past the deadline.
     */
    private void cancelled() {
        if (finished.get() || group.cause().orElse(null) != Group.Cause.DEADLINE) {
            return;
        }
        eventLoop.runOnContext(v -> eventLoop.owner().setTimer(GRACE_MS, id -> {
            ServerHttpResponse response = request.serverResponse();
            if (finished.get() || response.headWritten() || response.closed()) {
                return;
            }
            String reason = "request timeout: " + group.reason().orElse("deadline exceeded");
            LOG.debugf("%s %s: %s; its G has not ended", request.getMethod(), request.getPath(), reason);
            response.setStatusCode(503);
            response.setResponseHeader("Content-Type", "text/plain;charset=UTF-8");
            response.end(reason.getBytes(StandardCharsets.UTF_8));
            // The G, when its method returns, must not try to write a second response.
            skipRemainingHandlers();
        }));
    }

    /** Makes the request's handler chain end after the handler that runs now (as Quarkus REST does on a close). */
    private void skipRemainingHandlers() {
        int end = request.getHandlers().length;
        if (end > 0) {
            request.setPosition(end);
        }
    }
}
