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

/**
 * The production jar started as a user starts it ({@code java -jar target/quarkus-app/quarkus-run.jar}, prod
 * profile, a free port), with its log collected line by line.
 */
final class RunningJar implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("Listening on: (http://[^\\s,]+)");

    final Process process;
    /** Every line the app printed so far; written by the reader thread. */
    final List<String> log = new CopyOnWriteArrayList<>();
    private final CountDownLatch listening = new CountDownLatch(1);
    private volatile URI base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private RunningJar(Process process) {
        this.process = process;
    }

    /** Starts the jar with these JVM options and waits until it listens. */
    static RunningJar start(String... jvmOptions) throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        assertTrue(Files.exists(jar), "build the jar first: " + jar.toAbsolutePath());
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Dquarkus.http.port=0");
        command.addAll(List.of(jvmOptions));
        command.add("-jar");
        command.add(jar.toString());
        RunningJar app = new RunningJar(new ProcessBuilder(command).redirectErrorStream(true).start());
        Thread reader = new Thread(app::readLog, "app-log");
        reader.setDaemon(true);
        reader.start();
        assertTrue(app.listening.await(60, TimeUnit.SECONDS), "the app starts and listens");
        return app;
    }

    private void readLog() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
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

    /** Waits until {@code n} Gs are live, as the demo's {@code /hold/stats} (served on the event loop) counts them. */
    void awaitGoroutines(int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (ConcurrencyTest.stat(get("hold/stats"), "goroutines") < n) {
            assertTrue(System.nanoTime() < deadline, n + " Gs within 20 s");
            Thread.sleep(10);
        }
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

    /** SIGTERM by {@code kill}: {@link Process#destroy()} would also close our end of the app's output. */
    void sigterm() throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor());
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
