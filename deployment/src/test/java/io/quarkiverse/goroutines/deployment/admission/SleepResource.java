package io.quarkiverse.goroutines.deployment.admission;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

/** A blocking handler that holds its M (platform mode) for {@code ms}. */
@Path("/admission")
public class SleepResource {

    @GET
    @Path("sleep")
    public String sleep(@QueryParam("ms") long ms) throws InterruptedException {
        Thread.sleep(ms);
        return "slept " + ms;
    }
}
