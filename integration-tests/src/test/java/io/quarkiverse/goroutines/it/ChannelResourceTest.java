package io.quarkiverse.goroutines.it;

import static io.quarkiverse.goroutines.it.DemoEndpointsTest.get;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The channel demo over HTTP. The test profile allows 4 queued goroutines (max-runnable) and 8 Ms (max-threads; in
 * platform mode each waiting worker keeps its M), so the fan-outs stay small.
 */
@QuarkusTest
class ChannelResourceTest {

    @Test
    void everyWorkerArrivesWithinAGenerousTimeout() {
        String answer = get("/demo/fanout?n=3&timeoutMs=10000&workMs=5");
        Served.onG("fanout", answer);
        assertTrue(answer.contains(" fanout n=3 started=3 arrived=3 timedOut=false "), answer);
    }

    @Test
    void theTimeoutEndsTheGatheringBeforeSlowWorkers() {
        // Each worker waits 1 s; the handler gives up after 20 ms, so nothing can have arrived.
        String answer = get("/demo/fanout?n=2&timeoutMs=20&workMs=1000");
        Served.onG("fanout timeout", answer);
        assertTrue(answer.contains(" fanout n=2 started=2 arrived=0 timedOut=true "), answer);
    }

    @Test
    void badInputIsRejected() {
        String body = given().get("/demo/fanout?n=0").then().statusCode(400).extract().asString();
        assertEquals("n=0 is out of range: allowed 1..10000", body);
    }

    @Test
    void startPageLinksTheDemo() {
        assertTrue(get("/index.html").contains("href=\"demo/fanout?n=8&amp;timeoutMs=200\""));
    }
}
