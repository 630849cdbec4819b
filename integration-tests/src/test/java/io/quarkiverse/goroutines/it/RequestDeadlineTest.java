package io.quarkiverse.goroutines.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkiverse.goroutines.Go;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Request deadlines ({@code @RequestTimeout}) and client disconnects, over real HTTP: the client gets its 503 within
 * 100 ms of the deadline (plus slack for a loaded machine; the measured overshoot is printed), the request's G and the
 * Gs of its groups end with a CancellationException, and no G is left behind.
 */
@QuarkusTest
class RequestDeadlineTest {
    /** The bound past the deadline, and slack for a loaded 2-core machine. */
    static final long BOUND_MS = 100;
    static final long SLACK_MS = 200;
    static final Pattern AFTER = Pattern.compile("after (\\d+) ms$");

    @TestHTTPResource("/")
    URL root;

    /** The test classes whose app has been warmed up (each subclass runs an app of its own). */
    static final Set<Class<?>> WARM = ConcurrentHashMap.newKeySet();

    /**
     * The first requests to a fresh app, and its first cancelled one, load classes for up to seconds on a loaded
     * machine: once per app, one request of each kind goes first, untimed.
     */
    @BeforeEach
    void warmUp() {
        given().get("/deadline/fast").then().statusCode(200);
        if (WARM.add(getClass())) {
            given().get("/deadline/receive?id=warm-up-" + id()).then().statusCode(503);
        }
    }

    @AfterEach
    void noGoroutineIsLeftBehind() throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Go.numGoroutine() != 0) {
            assertTrue(System.nanoTime() < deadline, "goroutines left behind: " + Go.numGoroutine());
            Thread.sleep(5); // polling a counter; no event to wait for
        }
    }

    @Test
    void aReceiveBlockedPastTheDeadlineGets503() {
        String id = id();
        assertAnsweredForDeadline(200, expect503("/deadline/receive?id=" + id, 200));
        String ending = ending(id);
        assertTrue(ending.startsWith("CancellationException: cancelled while blocked in Chan.receive: deadline of 200 "
                + "ms exceeded"), ending);
        assertEndedNear(ending, 200);
    }

    @Test
    void theDeadlineCancelsTheGroupsOfTheRequest() {
        String id = id();
        assertAnsweredForDeadline(300, expect503("/deadline/fanout?id=" + id, 300));
        for (int i = 0; i < 3; i++) {
            String backend = ending(id + "-" + i);
            assertTrue(backend.startsWith("CancellationException: cancelled while blocked in Go.sleep: deadline of "
                    + "300 ms exceeded"), backend);
            assertEndedNear(backend, 300);
        }
        String request = ending(id);
        // The group's await either saw its own cancellation while waiting, or returned when its three Gs had ended
        // and threw the group's cancellation: both name the deadline.
        assertTrue(request.startsWith("CancellationException: ") && request.contains("deadline of 300 ms exceeded"),
                request);
    }

    /** A G that never blocks is not stopped, but its client is answered at the deadline all the same. */
    @Test
    void aSpinningGIsAnsweredForAtTheDeadlineAndRunsOn() {
        String id = id();
        // Nobody else answers: the event loop does, shortly after the deadline.
        assertEquals("request timeout: deadline of 150 ms exceeded", expect503("/deadline/spin?id=" + id + "&ms=1000",
                150));
        String ending = ending(id);
        assertTrue(ending.startsWith("returned after "), ending);
        assertTrue(millis(ending) >= 1000, ending);
    }

    @Test
    void aLoopThatChecksEndsAtTheDeadline() {
        String id = id();
        assertAnsweredForDeadline(150, expect503("/deadline/spin-checked?id=" + id, 150));
        String ending = ending(id);
        assertTrue(ending.startsWith("CancellationException: deadline of 150 ms exceeded"), ending);
        assertEndedNear(ending, 150);
    }

    @Test
    void aRequestThatMeetsItsDeadlineIsUntouched() {
        Served.onG("fast", given().get("/deadline/fast").then().statusCode(200).extract().asString());
    }

    /** A raw socket sends the request and closes once the G runs: the G is cancelled. */
    @Test
    void aDisconnectCancelsTheRequest() throws Exception {
        String id = id();
        long closedAt;
        try (Socket s = new Socket(root.getHost(), root.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("GET /deadline/hang?id=" + id + " HTTP/1.1\r\nHost: " + root.getHost() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("started", given().get("/deadline/started/" + id).then().statusCode(200).extract().asString());
            closedAt = System.nanoTime();
        }
        String ending = ending(id);
        long latencyMs = (System.nanoTime() - closedAt) / 1_000_000;
        System.out.println("[goroutines-it] disconnect: G ended, seen by the test " + latencyMs + " ms after the close: "
                + ending);
        assertTrue(ending.startsWith("CancellationException: cancelled while blocked in Chan.receive: the HTTP client "
                + "disconnected"), ending);
        assertTrue(latencyMs < BOUND_MS + SLACK_MS, "the G ended " + latencyMs + " ms after the client went away");
    }

    /** Asks for a 503 and checks it came within {@link #BOUND_MS} (+ slack) of the deadline; returns the body. */
    static String expect503(String path, long deadlineMs) {
        long start = System.nanoTime();
        Response r = given().get(path);
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.println("[goroutines-it] " + path + ": " + r.statusCode() + " after " + ms + " ms (deadline "
                + deadlineMs + " ms, overshoot " + (ms - deadlineMs) + " ms): " + r.asString());
        assertEquals(503, r.statusCode(), r.asString());
        assertTrue(ms >= deadlineMs, "answered before the deadline: " + ms + " ms");
        assertTrue(ms < deadlineMs + BOUND_MS + SLACK_MS, "answered " + (ms - deadlineMs) + " ms after the deadline");
        return r.asString();
    }

    /**
     * The body names the deadline: written by the G when it gave up at its blocking point ("cancelled while blocked
     * in Chan.receive: deadline of 200 ms exceeded"), or by the event loop when the G had not answered 20 ms after
     * the deadline (on a cold or loaded machine: "request timeout: deadline of 200 ms exceeded").
     */
    static void assertAnsweredForDeadline(long deadlineMs, String body) {
        assertTrue(body.endsWith("deadline of " + deadlineMs + " ms exceeded"), body);
    }

    static String ending(String id) {
        return given().get("/deadline/ending/" + id).then().statusCode(200).extract().asString();
    }

    static void assertEndedNear(String ending, long deadlineMs) {
        long ms = millis(ending);
        // The deadline runs from the dispatch to a G, the method's clock from its start a little later: a G may end
        // a few ms "before" the deadline by the method's clock.
        System.out.println("[goroutines-it] G ended " + (ms - deadlineMs) + " ms past its " + deadlineMs
                + " ms deadline (counted from the start of the method): " + ending);
        assertTrue(ms < deadlineMs + BOUND_MS + SLACK_MS, ending);
    }

    static long millis(String ending) {
        Matcher m = AFTER.matcher(ending);
        assertTrue(m.find(), ending);
        return Long.parseLong(m.group(1));
    }

    static String id() {
        return UUID.randomUUID().toString();
    }
}
