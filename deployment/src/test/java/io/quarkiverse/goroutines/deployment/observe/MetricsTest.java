package io.quarkiverse.goroutines.deployment.observe;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.goroutines.Go;
import io.quarkiverse.goroutines.Group;
import io.quarkiverse.goroutines.deployment.devui.LoadResource;
import io.quarkiverse.goroutines.runtime.Goroutines;
import io.quarkiverse.goroutines.scheduler.GStatus;
import io.quarkiverse.goroutines.scheduler.SchedSnapshot;
import io.quarkiverse.goroutines.scheduler.Scheduler;
import io.quarkus.test.QuarkusUnitTest;

/** With Micrometer present, the scheduler's meters are scraped under their names, with the scheduler's values. */
class MetricsTest {

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .setArchiveProducer(() -> ShrinkWrap.create(JavaArchive.class).addClasses(LoadResource.class))
            .overrideRuntimeConfigKey("quarkus.goroutines.procs", "2")
            // platform mode: a held request keeps its M in SYSCALL, which the thread gauges count
            .overrideRuntimeConfigKey("quarkus.goroutines.mode", "platform");

    /** Cancelled groups are counted by cause, once per cancellation however many children it reaches. */
    @Test
    void cancellationsAreCountedByCause() {
        double before = value(given().get("/q/metrics").then().statusCode(200).extract().asString(),
                "goroutines_cancellations_total{cause=\"disconnect\"}");
        try (Group<Object> g = Go.group()) {
            g.cancel(Group.Cause.DISCONNECT, "the client went away");
        }
        String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertEquals(before + 1, value(scrape, "goroutines_cancellations_total{cause=\"disconnect\"}"));
        value(scrape, "goroutines_cancellations_total{cause=\"deadline\"}");
        value(scrape, "goroutines_cancellations_total{cause=\"failure\"}");
    }

    @Test
    void metersShowTheScheduler() throws Exception {
        Scheduler s = Goroutines.executor().scheduler();
        // a G that holds its P for 100 ms is preempted (long-running.threshold=10ms, handoff on by default)
        given().get("/load/spin?ms=100").then().statusCode(200);
        List<CompletableFuture<String>> held = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(3);
        try {
            for (int i = 0; i < 3; i++) {
                held.add(CompletableFuture.supplyAsync(() -> given().get("/load/block").asString(), clients));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (s.snapshot().goroutinesByState().get(GStatus.SYSCALL) < 3) {
                assertTrue(System.nanoTime() < deadline, "three held requests within 30 s");
                Thread.onSpinWait();
            }
            SchedSnapshot before = s.snapshot();
            String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();

            assertEquals(3.0, value(scrape, "goroutines{state=\"syscall\"}"), "held Gs");
            assertEquals(2.0, value(scrape, "goroutines_procs"));
            value(scrape, "goroutines{state=\"running\"}");
            value(scrape, "goroutines{state=\"runnable\"}");
            value(scrape, "goroutines_runqueue{p=\"0\"}");
            value(scrape, "goroutines_runqueue{p=\"1\"}");
            assertEquals(0.0, value(scrape, "goroutines_global_runqueue"));
            double threads = 0;
            for (String st : SchedSnapshot.MInfo.STATES) {
                threads += value(scrape, "goroutines_threads{state=\"" + st + "\"}");
            }
            assertTrue(threads >= 3, "every M counted once, at least the three held ones: " + threads);
            assertTrue(value(scrape, "goroutines_threads{state=\"syscall\"}") >= 3);
            assertTrue(value(scrape, "goroutines_spawned_total") >= before.counters().spawned());
            assertTrue(value(scrape, "goroutines_completed_total") >= before.counters().completed());
            assertEquals(0.0, value(scrape, "goroutines_rejected_total"));
            value(scrape, "goroutines_steals_total");
            value(scrape, "goroutines_handoffs_total");
            value(scrape, "goroutines_retakes_total");
            assertTrue(value(scrape, "goroutines_preemptions_total") >= 1, "the 100 ms spin was preempted");
            assertTrue(value(scrape, "goroutines_preemptions_total") >= before.counters().preemptions());
            assertEquals(0.0, value(scrape, "goroutines_shed_total"));
            assertTrue(value(scrape, "goroutines_detections_total{cause=\"blocked\"}") >= before.counters()
                    .blockedDetected());
            double nativeDetections = value(scrape, "goroutines_detections_total{cause=\"native\"}");
            assertTrue(nativeDetections >= before.counters().nativeDetected());
            assertTrue(value(scrape, "goroutines_detections_false_total") <= nativeDetections,
                    "false detections are a part of the native ones");
            assertEquals(0.0, value(scrape, "goroutines_shedding"), "not shedding: three held Gs, nothing queued");
        } finally {
            given().get("/load/release").then().statusCode(200);
        }
        for (CompletableFuture<String> f : held) {
            assertEquals("released", f.get(30, TimeUnit.SECONDS));
        }
        clients.shutdown();
    }

    /** The value of one sample line of a Prometheus scrape; fails when the line is missing. */
    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        assertTrue(m.find(), series + " is scraped:\n" + grep(scrape));
        return Double.parseDouble(m.group(1));
    }

    private static String grep(String scrape) {
        StringBuilder b = new StringBuilder();
        for (String line : scrape.split("\n")) {
            if (line.startsWith("goroutines")) {
                b.append(line).append('\n');
            }
        }
        return b.toString();
    }
}
