package io.quarkiverse.goroutines.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The channel fan-out demo in virtual mode: the gathering G and its workers park on channels. */
@QuarkusTest
@TestProfile(VirtualMode.class)
class ChannelResourceVirtualTest extends ChannelResourceTest {

    /**
     * 200 workers each wait 50 ms on a timer channel, with max-threads=8 from the test profile, and the gatherer gives
     * up after 1 s. In virtual mode a waiting G holds no thread, so they all wait at once and arrive in about 50 ms.
     * Were each waiting worker to hold an M, 8 Ms would need at least 200 / 8 x 50 ms = 1.25 s: the test would fail.
     */
    @Test
    void aWideFanOutNeedsNoThreadPerWaitingWorker() {
        String answer = given().get("/demo/fanout?n=200&timeoutMs=1000&workMs=50").then().statusCode(200)
                .extract().asString();
        Served.onG("wide fanout", answer);
        assertTrue(answer.contains(" fanout n=200 started=200 arrived=200 timedOut=false "), answer);
        String whoami = given().get("/demo/whoami").then().statusCode(200).extract().asString();
        assertTrue(whoami.contains(" virtual=true "), whoami);
    }
}
