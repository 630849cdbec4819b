package io.quarkiverse.goroutines.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Blocked handlers do not stall the others, and a full scheduler answers 503 instead of hanging. The app runs with
 * procs=2, max-threads=8, max-runnable=4 (test profile).
 */
@QuarkusTest
class ConcurrencyTest {

    static final int MAX_THREADS = 8;
    static final int MAX_RUNNABLE = 4;

    @TestHTTPResource("/")
    URI base;

    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    CompletableFuture<HttpResponse<String>> async(String path) {
        HttpRequest r = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60)).build();
        return client.sendAsync(r, HttpResponse.BodyHandlers.ofString());
    }

    static String stats(String key) {
        return given().get("/hold/stats?key=" + key).then().statusCode(200).extract().asString();
    }

    static long stat(String stats, String name) {
        for (String part : stats.split(" ")) {
            if (part.startsWith(name + "=")) {
                return Long.parseLong(part.substring(name.length() + 1));
            }
        }
        throw new AssertionError(name + " not in " + stats);
    }

    /** Polls the server's counters (the server is another process in the IT) until {@code done}, at most 20 s. */
    static String awaitStats(String key, Predicate<String> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String s = stats(key);
        while (!done.test(s)) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting; last stats: " + s);
            Thread.sleep(20);
            s = stats(key);
        }
        return s;
    }

    @Test
    void blockedHandlersDoNotStallOthers() throws Exception {
        String key = "stall-" + UUID.randomUUID();
        String before = stats(key);
        // as many blocked handlers as there are Ps: without hand-off nothing else could run
        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            held.add(async("hold?key=" + key));
        }
        awaitStats(key, s -> stat(s, "entered") == 2);
        try {
            for (int i = 0; i < 10; i++) {
                String answer = given().get("/demo/cpu?us=300").then().statusCode(200).extract().asString();
                Served.onG("cpu while both Ps' Gs are blocked", answer);
            }
            assertTrue(held.stream().noneMatch(CompletableFuture::isDone), "the held handlers are still blocked");
            String after = stats(key);
            System.out.println("[goroutines-it] before " + before + " / after " + after);
            assertTrue(stat(after, "blocked") + stat(after, "handoffs") > stat(before, "blocked") + stat(before, "handoffs"),
                    "sysmon handed the blocked Ps off: " + before + " -> " + after);
        } finally {
            given().get("/hold/release?key=" + key).then().statusCode(200);
        }
        for (CompletableFuture<HttpResponse<String>> f : held) {
            HttpResponse<String> r = f.get();
            assertEquals(200, r.statusCode(), r.body());
            Served.onG("released hold", r.body());
            assertTrue(r.body().endsWith("released=true"), r.body());
        }
    }

    @Test
    void aboveMaxRunnableGives503NotAHang() throws Exception {
        String key = "full-" + UUID.randomUUID();
        List<CompletableFuture<HttpResponse<String>>> accepted = new ArrayList<>();
        try {
            // every M blocked, one at a time so that no more than max-runnable Gs are ever queued ...
            for (int i = 1; i <= MAX_THREADS; i++) {
                accepted.add(async("hold?key=" + key));
                int n = i;
                awaitStats(key, s -> stat(s, "entered") == n);
            }
            // ... then max-runnable Gs queued behind them
            for (int i = 0; i < MAX_RUNNABLE; i++) {
                accepted.add(async("hold?key=" + key));
            }
            String full = awaitStats(key, s -> stat(s, "goroutines") >= MAX_THREADS + MAX_RUNNABLE);
            System.out.println("[goroutines-it] full: " + full);
            assertEquals(MAX_THREADS, stat(full, "entered"), "queued Gs cannot start: all Ms are blocked");
            // one more is rejected at once
            long t0 = System.nanoTime();
            given().get("/demo/cpu?us=10").then().statusCode(503);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("[goroutines-it] request above max-runnable: 503 after " + ms + " ms");
            assertTrue(ms < 5_000, "503 comes at once, not after a hang: " + ms + " ms");
        } finally {
            given().get("/hold/release?key=" + key).then().statusCode(200);
        }
        // every accepted request is answered once the Ms are free
        for (CompletableFuture<HttpResponse<String>> f : accepted) {
            HttpResponse<String> r = f.get();
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().endsWith("released=true"), r.body());
        }
        assertEquals(MAX_THREADS + MAX_RUNNABLE, stat(stats(key), "entered"));
        Served.onG("after saturation", given().get("/demo/whoami").then().statusCode(200).extract().asString());
    }
}
