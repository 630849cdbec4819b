package io.quarkiverse.goroutines.deployment.devui;

import java.time.temporal.ChronoUnit;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import io.quarkiverse.goroutines.Go;
import io.quarkiverse.goroutines.runtime.RequestTimeout;

/** The dev-mode app of the Dev UI tests: requests that hold a G until released, and CPU-bound ones. */
@Path("/load")
public class LoadResource {

    private static final AtomicReference<CountDownLatch> GATE = new AtomicReference<>(new CountDownLatch(1));

    /** Holds its G, in an announced blocking call, until {@code /load/release} (at most 60 s). */
    @GET
    @Path("/block")
    public String block() throws Exception {
        CountDownLatch gate = GATE.get();
        return Go.syscall(() -> gate.await(60, TimeUnit.SECONDS)) ? "released" : "timed out";
    }

    /** {@link #block()} with a deadline of a minute: its G belongs to the request's group, which dumps show. */
    @GET
    @Path("/block-with-deadline")
    @RequestTimeout(value = 1, unit = ChronoUnit.MINUTES)
    public String blockWithDeadline() throws Exception {
        return block();
    }

    /** Releases every held request. */
    @GET
    @Path("/release")
    public String release() {
        GATE.getAndSet(new CountDownLatch(1)).countDown();
        return "ok";
    }

    /** Keeps its P busy for {@code ms} milliseconds. */
    @GET
    @Path("/spin")
    public String spin(@QueryParam("ms") int ms) {
        long end = System.nanoTime() + ms * 1_000_000L;
        long x = 0;
        while (System.nanoTime() < end) {
            x += System.nanoTime() & 1;
        }
        return String.valueOf(x);
    }
}
