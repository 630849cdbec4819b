package io.quarkiverse.goroutines.it;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import io.quarkiverse.goroutines.Chan;
import io.quarkiverse.goroutines.Go;
import io.quarkiverse.goroutines.Group;
import io.quarkiverse.goroutines.ThrowingRunnable;
import io.quarkiverse.goroutines.runtime.RequestTimeout;
import io.smallrye.common.annotation.NonBlocking;

/**
 * Request deadlines and disconnects. Each blocking endpoint records how its G (and its group's Gs) ended under the
 * {@code id} the caller chose; {@code /deadline/ending/{id}} answers with that record once it exists: how the G
 * ended, and when, in milliseconds since the request reached the G.
 */
@Path("/deadline")
public class DeadlineResource {
    /** Starts and endings by id (an ending reads {@code "<how> after <ms> ms"}); completed by the G. */
    static final Map<String, CompletableFuture<String>> STARTS = new ConcurrentHashMap<>();
    static final Map<String, CompletableFuture<String>> ENDINGS = new ConcurrentHashMap<>();

    private static CompletableFuture<String> of(Map<String, CompletableFuture<String>> m, String id) {
        return m.computeIfAbsent(id, k -> new CompletableFuture<>());
    }

    /** Blocks on a channel receive that nothing will ever satisfy; 200 ms to live. */
    @GET
    @Path("/receive")
    @RequestTimeout(200)
    public String receive(@QueryParam("id") String id) throws Exception {
        return recorded(id, () -> Chan.make().receive());
    }

    /** Fans out to three backends that would take 10 s each; 300 ms to live. */
    @GET
    @Path("/fanout")
    @RequestTimeout(300)
    public String fanout(@QueryParam("id") String id) throws Exception {
        return recorded(id, () -> {
            try (Group<String> g = Go.group()) {
                for (int i = 0; i < 3; i++) {
                    String backend = id + "-" + i;
                    g.go(() -> {
                        recorded(backend, () -> Go.sleep(Duration.ofSeconds(10)));
                        return backend;
                    });
                }
                g.await();
            }
        });
    }

    /** A CPU loop that never blocks and never asks: the client still gets its 503 at the deadline. */
    @GET
    @Path("/spin")
    @RequestTimeout(value = 150)
    public String spin(@QueryParam("id") String id, @QueryParam("ms") int ms) throws Exception {
        return recorded(id, () -> {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        });
    }

    /** A CPU loop that asks {@link Go#checkCancelled()}: it ends at the deadline. */
    @GET
    @Path("/spin-checked")
    @RequestTimeout(150)
    public String spinChecked(@QueryParam("id") String id) throws Exception {
        return recorded(id, () -> {
            while (true) {
                Go.checkCancelled();
                Thread.onSpinWait();
            }
        });
    }

    /** Answers at once: a deadline changes nothing for a request that meets it. */
    @GET
    @Path("/fast")
    @RequestTimeout(200)
    public String fast() {
        return Where.here() + " fast";
    }

    /** No deadline of its own: blocks until the client goes away (or the configured deadline, if any). */
    @GET
    @Path("/hang")
    public String hang(@QueryParam("id") String id) throws Exception {
        return recorded(id, () -> Chan.make().receive());
    }

    /** Sleeps {@code ms} with the deadline switched off, whatever the configuration says. */
    @GET
    @Path("/unbounded")
    @RequestTimeout(0)
    public String unbounded(@QueryParam("ms") int ms) {
        Go.sleep(Duration.ofMillis(ms));
        return Where.here() + " slept " + ms;
    }

    /** Answers once the G recorded under {@code id} has started (waits up to 10 s, on the event loop). */
    @GET
    @Path("/started/{id}")
    @NonBlocking
    public CompletionStage<String> started(@PathParam("id") String id) {
        return of(STARTS, id).orTimeout(10, TimeUnit.SECONDS);
    }

    /** How the G recorded under {@code id} ended; waits up to 10 s for it, on the event loop. */
    @GET
    @Path("/ending/{id}")
    @NonBlocking
    public CompletionStage<String> ending(@PathParam("id") String id) {
        return of(ENDINGS, id).orTimeout(10, TimeUnit.SECONDS);
    }

    private static String recorded(String id, ThrowingRunnable body) throws Exception {
        long start = System.nanoTime();
        of(STARTS, id).complete("started");
        String how = "returned";
        try {
            body.run();
            return Where.here() + " returned";
        } catch (Exception | Error e) {
            how = e.getClass().getSimpleName() + ": " + e.getMessage();
            throw e;
        } finally {
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            of(ENDINGS, id).complete(how + " after " + ms + " ms");
        }
    }
}
