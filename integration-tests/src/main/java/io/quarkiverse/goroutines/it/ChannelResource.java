package io.quarkiverse.goroutines.it;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkiverse.goroutines.Chan;
import io.quarkiverse.goroutines.Go;
import io.quarkiverse.goroutines.Select;
import io.quarkiverse.goroutines.SelectOf;

/**
 * Channels in a request: fan out to N goroutines, gather their results with a select and a timeout. Answers
 * {@code <thread>|g<id>} first, then how many results arrived in time.
 */
@Path("/demo")
public class ChannelResource {

    /**
     * Starts {@code n} goroutines; each does {@code cpuUs} microseconds of CPU work, waits {@code workMs} on a timer
     * channel (a goroutine waiting on a channel gives its P away) and sends its result. The handler gathers results
     * until all have arrived or {@code timeoutMs} has passed, whichever comes first.
     */
    @GET
    @Path("fanout")
    public String fanout(@QueryParam("n") @DefaultValue("8") int n,
            @QueryParam("timeoutMs") @DefaultValue("200") int timeoutMs,
            @QueryParam("workMs") @DefaultValue("20") int workMs,
            @QueryParam("cpuUs") @DefaultValue("100") int cpuUs) {
        checkRange("n", n, 1, 10_000);
        checkRange("timeoutMs", timeoutMs, 0, 60_000);
        checkRange("workMs", workMs, 0, 60_000);
        checkRange("cpuUs", cpuUs, 0, 1_000_000);

        // Buffered for every worker, so that a worker that finishes after the deadline never blocks.
        Chan<String> results = Chan.make(n);
        int started = 0;
        for (int i = 0; i < n; i++) {
            int worker = i;
            try {
                Go.go(() -> {
                    long x = Spin.spin(cpuUs);
                    Go.after(Duration.ofMillis(workMs)).receive();
                    results.send("w" + worker + ":" + x);
                });
                started++;
            } catch (RejectedExecutionException e) {
                break; // the scheduler is saturated (max-runnable): gather what was started
            }
        }

        List<String> arrived = new ArrayList<>();
        Chan<Instant> deadline = Go.after(Duration.ofMillis(timeoutMs));
        SelectOf<String> next = Select.<String> returning()
                .receive(results, r -> r)
                .receive(deadline, t -> null); // null: the time is up
        boolean late = false;
        while (arrived.size() < started && !late) {
            String r = next.run();
            if (r == null) {
                late = true;
            } else {
                arrived.add(r);
            }
        }
        return Where.here() + " fanout n=" + n + " started=" + started + " arrived=" + arrived.size()
                + " timedOut=" + late + " timeoutMs=" + timeoutMs + " workMs=" + workMs;
    }

    private static void checkRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            String message = name + "=" + value + " is out of range: allowed " + min + ".." + max;
            throw new WebApplicationException(message,
                    Response.status(Response.Status.BAD_REQUEST).type(MediaType.TEXT_PLAIN).entity(message).build());
        }
    }
}
