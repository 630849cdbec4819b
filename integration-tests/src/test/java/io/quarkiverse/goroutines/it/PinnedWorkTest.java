package io.quarkiverse.goroutines.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The pinned-blocking load-test handler ({@code /demo/work?pin=true}, a native {@code nanosleep}): it waits, it is
 * served by a G, its virtual-thread twin stays on a virtual thread, and a G pinned in native code gets its P handed
 * off, so other requests run while every P's G sleeps in the kernel.
 */
@QuarkusTest
class PinnedWorkTest {
    private static final Pattern IN_SYSCALL = Pattern.compile("\n  G\\d+: status=3");

    @TestHTTPResource("/demo/work")
    URI work;

    @BeforeEach
    void needsFfm() {
        assumeTrue(NativeSleep.available(), "the native sleep needs JDK 22+ (FFM API); this is " + Runtime.version());
    }

    @Test
    void pinnedWaitIsServedByAGAndLastsIo() {
        long start = System.nanoTime();
        String answer = given().get("/demo/work?cpu=10&io=40&pin=true").then().statusCode(200).extract().asString();
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        Served.onG("pinned work", answer);
        assertTrue(answer.contains(" cpu=10us io=40ms pinned x="), answer);
        assertTrue(tookMillis >= 40, "the native sleep returned after " + tookMillis + " ms, asked for 40: " + answer);
    }

    @Test
    void virtualTwinRunsOnAVirtualThread() {
        String answer = given().get("/demo/work-virtual?cpu=10&io=5&pin=true").then().statusCode(200).extract()
                .asString();
        System.out.println("[goroutines-it] pinned work, virtual: " + answer);
        assertTrue(answer.contains("|none cpu=10us io=5ms pinned x="), answer);
        String plain = given().get("/demo/work-virtual?cpu=10&io=5").then().statusCode(200).extract().asString();
        assertTrue(plain.contains("|none cpu=10us io=5ms x="), plain);
    }

    /**
     * The app runs 2 Ps. Two requests sleep 3 s in native code, which keeps their Ms (threads) {@code RUNNABLE};
     * meanwhile {@code /demo/sched} must be served, and must show both as handed off (Go status 3, in a syscall).
     * Without the hand-off the schedtrace request would wait for a P until a sleep ends.
     */
    @Test
    void pinnedGsLoseTheirPsSoOtherRequestsRun() throws Exception {
        int procs = 2;
        HttpClient client = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> pinned = new ArrayList<>();
        for (int i = 0; i < procs; i++) {
            HttpRequest req = HttpRequest.newBuilder(URI.create(work + "?cpu=0&io=3000&pin=true")).build();
            pinned.add(client.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
        }
        String trace = "";
        int inSyscall = 0;
        while (inSyscall < procs && pinned.stream().noneMatch(CompletableFuture::isDone)) {
            trace = given().get("/demo/sched").then().statusCode(200).extract().asString();
            inSyscall = count(IN_SYSCALL.matcher(trace));
        }
        boolean sleepsStillRunning = pinned.stream().noneMatch(CompletableFuture::isDone);
        System.out.println("[goroutines-it] sched while pinned: " + trace.replace('\n', ' '));
        assertTrue(sleepsStillRunning, "a pinned request finished before both showed as handed off: " + trace);
        assertEquals(procs, inSyscall, trace);
        for (CompletableFuture<HttpResponse<String>> f : pinned) {
            HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());
            assertFalse(r.body().contains("|none"), r.body());
        }
        // Both pinned Gs were found in native code; a false detection is one of those.
        String counters = given().get("/demo/counters").then().statusCode(200).extract().asString();
        Matcher nativeDetected = Pattern.compile("nativeDetected=(\\d+), nativeFalse=(\\d+)").matcher(counters);
        assertTrue(nativeDetected.find(), counters);
        assertTrue(Long.parseLong(nativeDetected.group(1)) >= procs, counters);
        assertTrue(Long.parseLong(nativeDetected.group(2)) <= Long.parseLong(nativeDetected.group(1)), counters);
    }

    private static int count(Matcher m) {
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
