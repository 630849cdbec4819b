package io.quarkiverse.goroutines.deployment.observe;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.goroutines.deployment.devui.LoadResource;
import io.quarkiverse.goroutines.runtime.Goroutines;
import io.quarkiverse.goroutines.scheduler.GStatus;
import io.quarkiverse.goroutines.scheduler.Scheduler;
import io.quarkus.test.QuarkusUnitTest;

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

            String bad = given().get(DUMP + "?state=sleeping").then().statusCode(400).extract().asString();
            assertTrue(bad.contains("state=sleeping is not a G state"), bad);
            given().get("/q/goroutines").then().statusCode(404);
        } finally {
            given().get("/load/release").then().statusCode(200);
        }
        assertEquals("released", held.get(30, TimeUnit.SECONDS));
        client.shutdown();
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
