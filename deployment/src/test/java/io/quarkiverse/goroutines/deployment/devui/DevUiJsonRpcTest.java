package io.quarkiverse.goroutines.deployment.devui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.devui.tests.DevUIJsonRPCTest;
import io.quarkus.test.QuarkusDevModeTest;

/**
 * Every JSON-RPC method of the scheduler view against a dev-mode app with held requests, and the streams over a raw
 * WebSocket, as the Dev UI's own client speaks to them.
 */
class DevUiJsonRpcTest extends DevUIJsonRPCTest {

    static final String NS = "quarkus-goroutines";
    static final URI WS = URI.create("ws://localhost:8080/q/dev-ui/json-rpc-ws");
    /** Unique across sockets: the Dev UI counts subscription ids globally. */
    private static final AtomicLong IDS = new AtomicLong(System.nanoTime() & 0xffffff);

    @RegisterExtension
    static final QuarkusDevModeTest app = DevUiApp.create();

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    DevUiJsonRpcTest() {
        super(NS);
    }

    @Test
    void everyMethodAnswers() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                held.add(http.sendAsync(get("/load/block"), HttpResponse.BodyHandlers.ofString()));
            }
            JsonNode list = awaitHeld(3);
            assertTrue(list.get("total").asInt() >= 3, list.toString());
            assertTrue(list.get("byState").get("SYSCALL").asInt() >= 3, list.toString());
            assertFalse(list.get("truncated").asBoolean());
            JsonNode row = heldRows(list).get(0);
            assertEquals("SYSCALL", row.get("state").asText());
            assertTrue(row.get("ageMillis").asLong() >= 0);
            assertTrue(row.get("m").asLong() >= 0, "a held G has its M: " + row);

            JsonNode filtered = executeJsonRPCMethod("goroutines", Map.of("state", "running"));
            for (JsonNode g : filtered.get("shown")) {
                assertEquals("RUNNING", g.get("state").asText());
            }

            String stack = executeJsonRPCMethod(String.class, "stack", Map.of("id", row.get("id").asLong()));
            assertTrue(stack.contains("]: GET /load/block"), stack);
            assertTrue(stack.contains("LoadResource"), "the stack shows the resource method: " + stack);
            assertTrue(executeJsonRPCMethod(String.class, "stack", Map.of("id", 999_999_999L)).contains("finished"));

            // a G that holds its P for 100 ms is preempted (long-running.threshold=10ms, handoff on by default)
            assertEquals(200, http.send(get("/load/spin?ms=100"), HttpResponse.BodyHandlers.ofString()).statusCode());
            // the view is the sampler's last sample (four a second): wait for one taken after the preemption
            JsonNode view = executeJsonRPCMethod("scheduler");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (view.get("preemptions").asLong() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(50);
                view = executeJsonRPCMethod("scheduler");
            }
            assertTrue(view.get("preemptions").asLong() >= 1, "the spin was preempted: " + view.get("preemptions"));
            assertFalse(view.get("shedding").asBoolean(), "no shedding under this load");
            assertTrue(view.get("running").asBoolean());
            assertEquals(2, view.get("snapshot").get("procs").asInt());
            assertEquals(2, view.get("snapshot").get("ps").size());
            assertEquals(view.get("snapshot").get("ms").size(), view.get("mStates").size(), "a state for every M");
            assertTrue(view.get("label").asText().startsWith("2 Ps · "), view.get("label").asText());
            assertTrue(view.get("snapshot").get("counters").get("spawned").asLong() >= 3);

            JsonNode timeline = executeJsonRPCMethod("timeline");
            assertTrue(timeline.isArray() && timeline.size() > 0, "the sampler has recorded points");
            assertEquals(2, timeline.get(timeline.size() - 1).get("runq").size());

            JsonNode controls = executeJsonRPCMethod("controls");
            assertEquals(2, controls.get("procs").asInt());
            assertFalse(controls.get("schedtrace").asBoolean());

            JsonNode resized = executeJsonRPCMethod("resize", Map.of("procs", 3));
            assertEquals(3, resized.get("procs").asInt());
            assertTrue(resized.path("error").isMissingNode() || resized.path("error").isNull(), resized.toString());
            JsonNode refused = executeJsonRPCMethod("resize", Map.of("procs", 0));
            assertEquals(3, refused.get("procs").asInt(), "a refused resize changes nothing");
            assertTrue(refused.get("error").asText().contains("quarkus.goroutines.procs=0 is out of range"),
                    refused.toString());
            assertEquals(2, executeJsonRPCMethod("resize", Map.of("procs", 2)).get("procs").asInt());

            assertTrue(executeJsonRPCMethod("schedtrace", Map.of("enabled", true)).get("schedtrace").asBoolean());
            assertFalse(executeJsonRPCMethod("schedtrace", Map.of("enabled", false)).get("schedtrace").asBoolean());
        } finally {
            http.send(get("/load/release"), HttpResponse.BodyHandlers.ofString());
        }
        for (CompletableFuture<HttpResponse<String>> f : held) {
            assertEquals("released", f.get(30, TimeUnit.SECONDS).body());
        }
    }

    @Test
    void streamsDeliverSamples() throws Exception {
        for (String method : new String[] { "streamScheduler", "streamLabel" }) {
            long id = IDS.incrementAndGet();
            List<JsonNode> items = new ArrayList<>();
            CountDownLatch three = new CountDownLatch(3);
            WebSocket ws = http.newWebSocketBuilder().buildAsync(WS, new WebSocket.Listener() {
                private final StringBuilder frame = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                    frame.append(data);
                    if (last) {
                        JsonNode msg = parse(frame.toString());
                        frame.setLength(0);
                        JsonNode result = msg.get("result");
                        if (msg.get("id").asLong() == id && result != null
                                && "SubscriptionMessage".equals(result.get("messageType").asText())) {
                            synchronized (items) {
                                items.add(result.get("object"));
                            }
                            three.countDown();
                        }
                    }
                    socket.request(1);
                    return null;
                }
            }).get(10, TimeUnit.SECONDS);
            ws.sendText(request(id, NS + "_" + method), true).get(5, TimeUnit.SECONDS);
            assertTrue(three.await(20, TimeUnit.SECONDS), method + ": three samples within 20 s, got " + items);
            ws.sendText(request(id, "unsubscribe"), true).get(5, TimeUnit.SECONDS);
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
            synchronized (items) {
                for (JsonNode item : items) {
                    if (method.equals("streamLabel")) {
                        assertTrue(item.asText().matches("2 Ps · \\d+ Gs"), item.toString());
                    } else {
                        assertEquals(2, item.get("snapshot").get("ps").size(), item.toString());
                    }
                }
                if (method.equals("streamScheduler")) {
                    assertTrue(items.get(2).get("snapshot").get("uptimeMillis").asLong() > items.get(0)
                            .get("snapshot").get("uptimeMillis").asLong(), "samples move on");
                }
            }
        }
    }

    private JsonNode awaitHeld(int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            JsonNode list = executeJsonRPCMethod("goroutines", Map.of("state", ""));
            if (heldRows(list).size() >= n || System.nanoTime() > deadline) {
                assertEquals(n, heldRows(list).size(), "held requests listed with their label: " + list);
                return list;
            }
        }
    }

    private static List<JsonNode> heldRows(JsonNode list) {
        List<JsonNode> rows = new ArrayList<>();
        for (JsonNode g : list.get("shown")) {
            if ("GET /load/block".equals(g.path("label").asText())) {
                rows.add(g);
            }
        }
        return rows;
    }

    private static String request(long id, String method) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":{}}";
    }

    private JsonNode parse(String text) {
        try {
            return json.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(text, e);
        }
    }

    private static HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:8080" + path)).timeout(Duration.ofSeconds(90))
                .build();
    }

}
