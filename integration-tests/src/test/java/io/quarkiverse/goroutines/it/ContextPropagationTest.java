package io.quarkiverse.goroutines.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Request scope, MDC, the Vert.x duplicated context and the security identity set on the event loop are present
 * inside the G, and each concurrent request sees only its own.
 */
@QuarkusTest
class ContextPropagationTest {

    static String read(String rid) {
        return given().header("X-Rid", rid).get("/context").then().statusCode(200).extract().asString();
    }

    @Test
    void eventLoopContextReachesTheG() {
        String answer = read("r-1");
        System.out.println("[goroutines-it] context: " + answer);
        assertTrue(answer.startsWith("scope=r-1 mdc=r-1 vertx=true duplicated=true set-on=vert.x-eventloop-thread-"),
                answer);
        Served.onG("context read", answer.substring(answer.indexOf("read-on=") + "read-on=".length()));
    }

    @Test
    void securityIdentityReachesTheG() {
        String answer = given().auth().preemptive().basic("alice", "secret").get("/context/identity")
                .then().statusCode(200).extract().asString();
        System.out.println("[goroutines-it] identity: " + answer);
        assertTrue(answer.startsWith("user=alice roles=[user] read-on="), answer);
        Served.onG("identity read", answer.substring(answer.indexOf("read-on=") + "read-on=".length()));
        given().get("/context/identity").then().statusCode(401);
    }

    @Test
    void concurrentRequestsDoNotMix() throws Exception {
        // at most max-runnable (4 in the test profile) requests in flight, so none is rejected
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<String>> answers = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String rid = "c-" + i;
                answers.add(CompletableFuture.supplyAsync(() -> rid + "=>" + read(rid), clients));
            }
            for (CompletableFuture<String> f : answers) {
                String a = f.get();
                String rid = a.substring(0, a.indexOf("=>"));
                assertTrue(a.contains("scope=" + rid + " mdc=" + rid + " vertx=true duplicated=true"), a);
            }
        } finally {
            clients.shutdownNow();
        }
    }
}
