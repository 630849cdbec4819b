package io.quarkiverse.goroutines.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The production jar as a user runs it ({@code java -jar target/quarkus-app/quarkus-run.jar}, prod profile, 127.0.0.1):
 * a handler that never returns is reported in the log without stalling the others, and SIGTERM with requests in
 * flight answers all of them before the process exits.
 */
class ProductionJarIT {

    private static final Pattern LISTENING = Pattern.compile("Listening on: (http://[^\\s,]+)");

    private Process app;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final CountDownLatch listening = new CountDownLatch(1);
    private volatile URI base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeEach
    void start() throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        assertTrue(Files.exists(jar), "build the jar first: " + jar.toAbsolutePath());
        String java = ProcessHandle.current().info().command().orElse("java");
        app = new ProcessBuilder(java, "-Dquarkus.http.port=0", "-jar", jar.toString()).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    System.out.println("[app] " + line);
                    log.add(line);
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        base = URI.create(m.group(1) + "/");
                        listening.countDown();
                    }
                }
            } catch (Exception e) {
                // process gone
            }
        }, "app-log");
        reader.setDaemon(true);
        reader.start();
        assertTrue(listening.await(60, TimeUnit.SECONDS), "the app starts and listens");
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (app.isAlive()) {
            app.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    CompletableFuture<HttpResponse<String>> async(String path) {
        HttpRequest r = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60)).build();
        return client.sendAsync(r, HttpResponse.BodyHandlers.ofString());
    }

    String get(String path) throws Exception {
        HttpResponse<String> r = async(path).get(60, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return r.body();
    }

    /** Waits for a log line containing {@code text}; the log is written by another process, so this polls it. */
    String awaitLog(String text, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : log) {
                if (line.contains(text)) {
                    return line;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no log line with '" + text + "' within " + max);
    }

    @Test
    void startupLineAndStuckHandlerIsReportedWithoutStallingOthers() throws Exception {
        String startup = awaitLog("Goroutines: mode=", Duration.ofSeconds(5));
        // auto: virtual on the JDK 21+ that builds and runs this suite (the extension opens java.lang itself)
        assertTrue(startup.contains("mode=virtual") || Runtime.version().feature() < 21, startup);
        assertTrue(startup.contains("procs=2, max-threads=10000, max-runnable=10000"), startup);

        CompletableFuture<HttpResponse<String>> stuck = async("hold?key=never");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!get("hold/stats?key=never").startsWith("entered=1 ")) {
            assertTrue(System.nanoTime() < deadline, "the stuck handler starts");
            Thread.sleep(20);
        }
        for (int i = 0; i < 20; i++) {
            Served.onG("while one handler never returns", get("demo/cpu?us=200"));
        }
        if (startup.contains("mode=platform")) {
            // Only a G that holds its M is reported; in virtual mode the stuck handler parks and holds nothing.
            String report = awaitLog("has been blocked for more than", Duration.ofSeconds(10));
            System.out.println("[goroutines-it] stuck report: " + report);
            assertTrue(report.matches(".*goroutine \\d+ on executor-thread-\\d+ has been blocked.*P was handed off.*"),
                    report);
        }
        assertTrue(!stuck.isDone(), "the stuck handler is still blocked");
        get("hold/release?key=never");
        assertEquals(200, stuck.get(30, TimeUnit.SECONDS).statusCode());
    }

    @Test
    void sigtermAnswersEveryRequestInFlight() throws Exception {
        int n = 6;
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            inFlight.add(async("demo/sleep?ms=1500"));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (ConcurrencyTest.stat(get("hold/stats"), "goroutines") < n) {
            assertTrue(System.nanoTime() < deadline, "all requests reach the scheduler");
            Thread.sleep(10);
        }
        // SIGTERM by kill: Process.destroy() would also close our end of the app's output
        assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(app.pid())).start().waitFor());
        for (CompletableFuture<HttpResponse<String>> f : inFlight) {
            HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());
            Served.onG("answered during shutdown", r.body());
        }
        assertTrue(app.waitFor(60, TimeUnit.SECONDS), "the app exits");
        System.out.println("[goroutines-it] app exited with " + app.exitValue() + "; last lines: "
                + log.subList(Math.max(0, log.size() - 5), log.size()));
        String stopped = awaitLog("Goroutines: stopped", Duration.ofSeconds(5));
        System.out.println("[goroutines-it] exit " + app.exitValue() + ": " + stopped);
        assertTrue(stopped.contains("Gs drained"), stopped);
    }
}
