package io.quarkiverse.goroutines.it;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import io.quarkiverse.goroutines.Go;
import io.quarkiverse.goroutines.runtime.Goroutines;
import io.quarkiverse.goroutines.scheduler.SchedSnapshot;
import io.smallrye.common.annotation.NonBlocking;

/**
 * Test support: handlers that block (without announcing it) until released, and the scheduler's counters. Release
 * and stats run on the event loop, so they answer even when every M is blocked.
 */
@Path("/hold")
public class HoldResource {

    static final Map<String, CountDownLatch> LATCHES = new ConcurrentHashMap<>();
    static final Map<String, AtomicInteger> ENTERED = new ConcurrentHashMap<>();

    static CountDownLatch latch(String key) {
        return LATCHES.computeIfAbsent(key, k -> new CountDownLatch(1));
    }

    /** Blocks this G's M until {@code /hold/release?key=} (at most 60 s). */
    @GET
    public String hold(@QueryParam("key") String key) throws InterruptedException {
        ENTERED.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        boolean released = latch(key).await(60, TimeUnit.SECONDS);
        return Where.here() + " released=" + released;
    }

    @GET
    @Path("release")
    @NonBlocking
    public String release(@QueryParam("key") String key) {
        latch(key).countDown();
        return "released " + key;
    }

    /** {@code entered=<n> goroutines=<n> handoffs=<n> rejected=<n>}. */
    @GET
    @Path("stats")
    @NonBlocking
    public String stats(@QueryParam("key") String key) {
        AtomicInteger entered = key == null ? null : ENTERED.get(key);
        SchedSnapshot.Counters c = Goroutines.executor().scheduler().snapshot().counters();
        return "entered=" + (entered == null ? 0 : entered.get()) + " goroutines=" + Go.numGoroutine()
                + " handoffs=" + c.handoffs() + " blocked=" + c.blockedDetected() + " rejected=" + c.rejected();
    }
}
