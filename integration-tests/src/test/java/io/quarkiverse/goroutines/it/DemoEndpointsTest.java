package io.quarkiverse.goroutines.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** Each kind of blocking work in the demo is served by a G, named in the answer. */
@QuarkusTest
class DemoEndpointsTest {

    static String get(String path) {
        return given().get(path).then().statusCode(200).extract().asString();
    }

    @Test
    void cpuWork() {
        Served.onG("cpu", get("/demo/cpu?us=500"));
    }

    @Test
    void loadTestHandler() {
        String answer = get("/demo/work?cpu=100&io=5");
        Served.onG("work", answer);
        assertTrue(answer.contains(" cpu=100us io=5ms "), answer);
    }

    @Test
    void unannouncedSleep() {
        assertTrue(get("/demo/sleep?ms=20").endsWith("slept=20ms"));
        Served.onG("sleep", get("/demo/sleep?ms=20"));
    }

    @Test
    void unannouncedSocketRead() {
        String answer = get("/demo/socket?ms=30");
        Served.onG("socket", answer);
        assertTrue(answer.endsWith("socket-read=k after 30ms"), answer);
    }

    @Test
    void announcedSyscall() {
        String answer = get("/demo/syscall?ms=20");
        Served.onG("syscall", answer);
        // platform: the G is in SYSCALL while its P is away; virtual: the call runs as is (a park unmounts it)
        boolean virtual = get("/demo/whoami").contains(" virtual=true ");
        assertTrue(answer.endsWith(virtual ? "state-inside=RUNNING" : "state-inside=SYSCALL"), answer);
    }

    @Test
    void goCurrent() {
        String answer = get("/demo/whoami");
        long id = Served.onG("whoami", answer);
        assertTrue(answer.contains(" id=" + id + " state=RUNNING p="), answer);
        String thread = answer.substring(0, answer.indexOf('|'));
        assertTrue(answer.contains(" thread=" + thread + " "), answer);
        assertTrue(answer.endsWith(" maxProcs=2"), answer);
    }

    @Test
    void schedtraceShowsTheRequestingG() {
        String trace = get("/demo/sched");
        assertTrue(trace.matches("(?s)SCHED \\d+ms: gomaxprocs=2 idleprocs=\\d+ threads=\\d+ .*"), trace);
        assertTrue(trace.contains("\n  P0: status=") && trace.contains("\n  P1: status="), trace);
        // The G answering this request is running, so it shows up in the G lines with Go's status 2.
        assertTrue(trace.contains(": status=2"), trace);
    }

    @Test
    void countersShowTheDetections() {
        String counters = get("/demo/counters");
        assertTrue(counters.matches("(?s)Counters\\[completed=\\d+, handoffs=\\d+, .*blockedDetected=\\d+, "
                + "nativeDetected=\\d+, nativeFalse=\\d+, .*\\]\\s*"), counters);
    }

    @Test
    void startPageListsTheEndpoints() {
        String page = get("/index.html");
        for (String path : new String[] { "demo/cpu", "demo/work", "demo/sleep", "demo/socket", "demo/syscall", "demo/whoami",
                "demo/sched" }) {
            assertTrue(page.contains("href=\"" + path), path);
        }
    }

    @Test
    void runOnVirtualThreadStaysVirtual() {
        String answer = get("/demo/virtual");
        System.out.println("[goroutines-it] virtual: " + answer);
        assertTrue(answer.endsWith("|none virtual=true"), answer);
    }

    @Test
    void throwingHandlerGives500AndTheSchedulerCarriesOn() {
        given().get("/demo/boom").then().statusCode(500);
        for (int i = 0; i < 4; i++) {
            Served.onG("after 500", get("/demo/whoami"));
        }
        assertEquals(500, given().get("/demo/boom").statusCode());
    }
}
