package io.quarkiverse.goroutines.deployment.observe;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.goroutines.Go;
import io.quarkiverse.goroutines.deployment.devui.LoadResource;
import io.quarkiverse.goroutines.runtime.Goroutines;
import io.quarkiverse.goroutines.scheduler.GStatus;
import io.quarkiverse.goroutines.scheduler.Scheduler;
import io.quarkus.test.QuarkusUnitTest;
import io.restassured.response.Response;

/** With the dump enabled, the management port serves it as text and JSON; the application's port does not. */
class DumpEnabledTest {

    /** The management interface's test port: 9001 unless {@code -Dquarkus.management.test-port} moves it. */
    static final String DUMP = "http://localhost:" + Integer.getInteger("quarkus.management.test-port", 9001)
            + "/q/goroutines";

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .setArchiveProducer(() -> ShrinkWrap.create(JavaArchive.class).addClasses(LoadResource.class))
            .overrideConfigKey("quarkus.management.enabled", "true")
            .overrideConfigKey("quarkus.goroutines.dump.enabled", "true")
            // platform mode: the held request keeps its M, so its stack is the M thread's
            .overrideRuntimeConfigKey("quarkus.goroutines.mode", "platform");

    @Test
    void dumpListsHeldRequestsWithStacks() throws Exception {
        ExecutorService client = Executors.newSingleThreadExecutor();
        CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> given().get("/load/block").asString(),
                client);
        try {
            Scheduler s = Goroutines.executor().scheduler();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (s.snapshot().goroutinesByState().get(GStatus.SYSCALL) < 1) {
                assertTrue(System.nanoTime() < deadline, "the held request within 30 s");
                Thread.onSpinWait();
            }
            String text = given().get(DUMP).then().statusCode(200).contentType("text/plain; charset=utf-8")
                    .extract().asString();
            assertTrue(text.matches("(?s)goroutine \\d+ \\[syscall \\(syscall\\), \\d+ ms, M\\d+ .*\\]: GET /load/block\n.*"),
                    text);
            assertTrue(text.contains("io.quarkiverse.goroutines.deployment.devui.LoadResource.block("), text);

            List<Map<String, Object>> json = given().get(DUMP + "?format=json").then().statusCode(200)
                    .contentType("application/json").extract().jsonPath().getList("$");
            Map<String, Object> g = json.stream().filter(x -> "GET /load/block".equals(x.get("label"))).findFirst()
                    .orElseThrow(() -> new AssertionError("held G in " + json));
            assertEquals("syscall", g.get("state"));
            assertFalse(((List<?>) g.get("stack")).isEmpty());
            assertEquals(1, given().get(DUMP + "?format=json&state=syscall").jsonPath().getList("$").size());

            given().get("/q/goroutines").then().statusCode(404);
        } finally {
            given().get("/load/release").then().statusCode(200);
        }
        assertEquals("released", held.get(30, TimeUnit.SECONDS));
        client.shutdown();
    }

    @Test
    void limitCutsTheListAndSaysSo() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        CountDownLatch parked = new CountDownLatch(3);
        try {
            for (int i = 0; i < 3; i++) {
                Go.go(() -> {
                    parked.countDown();
                    try {
                        hold.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            assertTrue(parked.await(30, TimeUnit.SECONDS));
            Response r = given().get(DUMP + "?limit=2").then().statusCode(200)
                    .contentType("text/plain; charset=utf-8").extract().response();
            String text = r.asString();
            assertEquals(2, text.split("\ngoroutine ", -1).length, text);
            assertEquals("true", r.header("X-Goroutines-Truncated"), text);
            assertTrue(text.endsWith("# more goroutines not listed: limit=2 (allowed up to 10000)\n"), text);
            Response all = given().get(DUMP).then().statusCode(200).extract().response();
            assertEquals(null, all.header("X-Goroutines-Truncated"), "the default limit (100) lists all 3");
        } finally {
            hold.countDown();
        }
    }

    /** Each bad request gets 400 in plain text naming what is allowed, and never the value that was sent. */
    @Test
    void badParametersAre400InPlainTextWithoutEchoingThem() {
        Map<String, String> cases = Map.of(
                "format=xml", "format is not valid: allowed text, json",
                "limit=0", "limit is out of range: allowed 1..10000",
                "limit=10001", "limit is out of range: allowed 1..10000",
                "limit=abc", "limit is out of range: allowed 1..10000",
                "state=sleeping", "state is not a G state: allowed [",
                "sate=runnable", "unknown query parameter: allowed [format, limit, state]",
                "limit=5&limit=6", "limit is given more than once");
        cases.forEach((query, message) -> {
            String body = given().get(DUMP + "?" + query).then().statusCode(400)
                    .contentType("text/plain; charset=utf-8").extract().asString();
            assertTrue(body.startsWith(message), query + " -> " + body);
            for (String part : query.split("[=&]")) {
                if (!part.matches("format|limit|state|\\d+")) {
                    assertFalse(body.contains(part), query + " echoed: " + body);
                }
            }
        });
    }

    /** A request with a deadline shows its group and the time left in the text dump, the JSON dump names the group. */
    @Test
    void dumpShowsAGoroutinesGroupAndDeadline() throws Exception {
        ExecutorService client = Executors.newSingleThreadExecutor();
        CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> given().get("/load/block-with-deadline")
                .asString(), client);
        try {
            Scheduler s = Goroutines.executor().scheduler();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (s.snapshot().goroutinesByState().get(GStatus.SYSCALL) < 1) {
                assertTrue(System.nanoTime() < deadline, "the held request within 30 s");
                Thread.onSpinWait();
            }
            String text = given().get(DUMP).then().statusCode(200).extract().asString();
            assertTrue(text.matches("(?s).*\\]: GET /load/block-with-deadline \\{group \\d+, 0 running, deadline in "
                    + "\\d+ ms\\}\n.*"), text);
            List<Map<String, Object>> json = given().get(DUMP + "?format=json").jsonPath().getList("$");
            Map<String, Object> g = json.stream().filter(x -> "GET /load/block-with-deadline".equals(x.get("label")))
                    .findFirst().orElseThrow(() -> new AssertionError("held G in " + json));
            assertTrue(String.valueOf(g.get("group")).matches("group \\d+, 0 running, deadline in \\d+ ms"),
                    String.valueOf(g.get("group")));
        } finally {
            given().get("/load/release").then().statusCode(200);
        }
        assertEquals("released", held.get(30, TimeUnit.SECONDS));
        client.shutdown();
    }
}
