package io.quarkiverse.goroutines.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The production jar as a user runs it ({@code java -jar target/quarkus-app/quarkus-run.jar}, prod profile, 127.0.0.1):
 * a handler that never returns is reported once in the log, with its request and stack, without stalling the others, and
 * SIGTERM with requests in
 * flight answers all of them before the process exits.
 */
class ProductionJarIT {

    private RunningJar app;

    @BeforeEach
    void start() throws Exception {
        app = RunningJar.start("-Dquarkus.goroutines.report.after=2s");
    }

    @AfterEach
    void stop() throws InterruptedException {
        app.close();
    }

    @Test
    void startupLineAndStuckHandlerIsReportedWithoutStallingOthers() throws Exception {
        String startup = app.awaitLog("Goroutines: mode=", Duration.ofSeconds(5));
        // auto: virtual on the JDK 21+ that builds and runs this suite (the extension opens java.lang itself)
        assertTrue(startup.contains("mode=virtual") || Runtime.version().feature() < 21, startup);
        assertTrue(startup.contains("procs=2, max-threads=10000, max-runnable=10000"), startup);

        // a handler's log line names its thread: in virtual mode the G's own, goroutine-<id>
        String served = app.get("demo/log");
        String line = app.awaitLog("demo log line from " + served, Duration.ofSeconds(5));
        System.out.println("[goroutines-it] handler's log line: " + line);
        if (startup.contains("mode=virtual")) {
            String id = served.substring(served.indexOf("|g") + 2);
            assertTrue(line.contains(" (goroutine-" + id + ") "), "%t is goroutine-" + id + ": " + line);
        }

        CompletableFuture<HttpResponse<String>> stuck = app.async("hold?key=never");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!app.get("hold/stats?key=never").startsWith("entered=1 ")) {
            assertTrue(System.nanoTime() < deadline, "the stuck handler starts");
            Thread.sleep(20);
        }
        for (int i = 0; i < 20; i++) {
            Served.onG("while one handler never returns", app.get("demo/cpu?us=200"));
        }
        // The engine reports it once (report.after=2s here), in either mode: its request, what it does, its stack.
        String report = app.awaitLog("(GET /hold) has not ended after", Duration.ofSeconds(15));
        System.out.println("[goroutines-it] stuck report: " + report);
        assertTrue(report.matches(".*WARN.*goroutine \\d+ \\(GET /hold\\) has not ended after \\d+\\.\\d s: "
                + "(parked|blocked in a call|running on CPU).*"), report);
        int at = app.log.indexOf(report);
        assertTrue(app.log.size() > at + 1 && app.log.get(at + 1).startsWith("\tat "),
                "the report carries the top of the stack: " + app.log.subList(at, app.log.size()));
        Thread.sleep(1_500); // sysmon checks once a second: give it a second check that must stay silent
        assertEquals(1, app.log.stream().filter(l -> l.contains("(GET /hold) has not ended")).count(),
                "reported once");
        assertTrue(!stuck.isDone(), "the stuck handler is still blocked");
        app.get("hold/release?key=never");
        assertEquals(200, stuck.get(30, TimeUnit.SECONDS).statusCode());
    }

    @Test
    void sigtermAnswersEveryRequestInFlight() throws Exception {
        int n = 6;
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            inFlight.add(app.async("demo/sleep?ms=1500"));
        }
        app.awaitGoroutines(n);
        app.sigterm();
        for (CompletableFuture<HttpResponse<String>> f : inFlight) {
            HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());
            Served.onG("answered during shutdown", r.body());
        }
        assertTrue(app.process.waitFor(60, TimeUnit.SECONDS), "the app exits");
        System.out.println("[goroutines-it] app exited with " + app.process.exitValue() + "; last lines: "
                + app.log.subList(Math.max(0, app.log.size() - 5), app.log.size()));
        String stopped = app.awaitLog("Goroutines: stopped", Duration.ofSeconds(5));
        System.out.println("[goroutines-it] exit " + app.process.exitValue() + ": " + stopped);
        assertTrue(stopped.contains("Gs drained"), stopped);
    }
}
