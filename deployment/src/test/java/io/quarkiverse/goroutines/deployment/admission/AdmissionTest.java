package io.quarkiverse.goroutines.deployment.admission;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.goroutines.deployment.app.BlockingRoute;
import io.quarkiverse.goroutines.deployment.app.Where;
import io.quarkiverse.goroutines.runtime.Goroutines;
import io.quarkiverse.goroutines.scheduler.Scheduler;
import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.restassured.response.Response;

/**
 * Admission by queueing delay, end to end: one P and one M (platform mode, so a sleeping handler holds the M), 50 ms
 * handlers queued far past a 10 ms target for a 100 ms interval. While the scheduler sheds, a REST request and a
 * blocking route get 503 with {@code Retry-After} at once, and readiness is DOWN; once the queue drains the app serves
 * again and readiness is UP.
 */
class AdmissionTest {

    static final int FLOOD = 40;
    static final int HANDLER_MS = 50;

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(SleepResource.class, BlockingRoute.class, Where.class))
            .overrideRuntimeConfigKey("quarkus.goroutines.mode", "platform")
            .overrideRuntimeConfigKey("quarkus.goroutines.procs", "1")
            .overrideRuntimeConfigKey("quarkus.goroutines.max-threads", "1")
            .overrideRuntimeConfigKey("quarkus.goroutines.admission.target", "10ms")
            .overrideRuntimeConfigKey("quarkus.goroutines.admission.interval", "100ms");

    @TestHTTPResource("/")
    URI base;

    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    CompletableFuture<HttpResponse<String>> async(String path) {
        HttpRequest r = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60)).build();
        return client.sendAsync(r, HttpResponse.BodyHandlers.ofString());
    }

    static Scheduler scheduler() {
        return Goroutines.executor().scheduler();
    }

    /** The scheduler's state is read in this JVM; polls until {@code done}, at most 20 s. */
    static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what + "; " + scheduler().snapshot());
            Thread.sleep(20);
        }
    }

    @Test
    void refusedAtOnceWith503AndRetryAfterWhileShedding() throws Exception {
        given().get("/admission/sleep?ms=1").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        long shedBefore = scheduler().snapshot().counters().shed();

        List<CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
        for (int i = 0; i < FLOOD; i++) {
            flood.add(async("admission/sleep?ms=" + HANDLER_MS));
        }
        await("shedding", () -> scheduler().shedding());

        long t0 = System.nanoTime();
        Response rest = given().get("/admission/sleep?ms=1");
        long restMs = (System.nanoTime() - t0) / 1_000_000;
        t0 = System.nanoTime();
        Response route = given().get("/route/blocking");
        long routeMs = (System.nanoTime() - t0) / 1_000_000;
        Response ready = given().get("/q/health/ready");
        Response metrics = given().get("/q/metrics");
        boolean stillShedding = scheduler().shedding();
        System.out.println("[goroutines-test] while shedding: REST " + rest.statusCode() + " in " + restMs
                + " ms, Retry-After " + rest.header("Retry-After") + ", body '" + rest.asString().trim()
                + "'; blocking route " + route.statusCode() + " in " + routeMs + " ms; readiness "
                + ready.statusCode() + " " + ready.asString());
        // The 503s above were answered while shedding. It may end before the scrape below: a G taken off the queue
        // within the 10 ms target ends it, and with one M the timing varies from run to run.
        assertEquals(503, rest.statusCode(), rest.asString());
        assertEquals("1", rest.header("Retry-After"), "the interval, at least a second");
        assertTrue(rest.contentType().startsWith("text/plain"), rest.contentType());
        assertTrue(rest.asString().startsWith("overloaded"), rest.asString());
        assertEquals(503, route.statusCode(), route.asString());
        assertEquals("1", route.header("Retry-After"));
        // answered at once, not after the queue (FLOOD x HANDLER_MS = 2 s); slack for a loaded machine
        assertTrue(restMs < 1_000 && routeMs < 1_000, "refused at once: " + restMs + " ms, " + routeMs + " ms");
        assertEquals(503, ready.statusCode(), ready.asString());
        assertEquals("DOWN", ready.jsonPath().getString("status"), ready.asString());
        assertEquals("DOWN", ready.jsonPath().getString("checks.find { it.name == 'goroutines' }.status"),
                ready.asString());

        System.out.println("[goroutines-test] metrics while shedding: " + metrics.statusCode() + " "
                + metrics.asString().lines().filter(l -> l.startsWith("goroutines_sh")).toList());
        assertEquals(200, metrics.statusCode(), "metrics are scraped while the scheduler sheds");
        assertTrue(metrics.asString().contains("\ngoroutines_shedding " + (stillShedding ? "1.0" : "")),
                metrics.asString());
        // every request admitted before the shedding began is served
        int served = 0;
        for (CompletableFuture<HttpResponse<String>> f : flood) {
            HttpResponse<String> r = f.get();
            assertTrue(r.statusCode() == 200 || r.statusCode() == 503, r.statusCode() + " " + r.body());
            served += r.statusCode() == 200 ? 1 : 0;
        }
        System.out.println("[goroutines-test] flood of " + FLOOD + ": " + served + " served, " + (FLOOD - served)
                + " refused; shed counter +" + (scheduler().snapshot().counters().shed() - shedBefore));
        assertTrue(served > 0, "the requests admitted before the shedding are served");
        assertTrue(scheduler().snapshot().counters().shed() - shedBefore >= 2, "the refusals are counted");

        // after the flood, polled as a load balancer does: ready again once the queue drained, and serving
        await("readiness UP", () -> given().get("/q/health/ready").statusCode() == 200);
        assertTrue(!scheduler().shedding());
        given().get("/admission/sleep?ms=1").then().statusCode(200);
        given().get("/route/blocking").then().statusCode(200);
    }
}
