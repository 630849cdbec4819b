package io.quarkiverse.goroutines.runtime;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.quarkiverse.goroutines.Group;
import io.quarkiverse.goroutines.scheduler.GStatus;
import io.quarkiverse.goroutines.scheduler.GoroutineDump;
import io.quarkiverse.goroutines.scheduler.Scheduler;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Serves the goroutine dump (Go's {@code /debug/pprof/goroutine?debug=2}): live Gs with their state, wait reason,
 * age, the request each serves, its {@link Group} (with the time left before its deadline) and its stack. Plain text by
 * default; JSON with {@code ?format=json} or
 * {@code Accept: application/json}; {@code ?state=syscall} keeps one state; {@code ?limit=N} lists at most N Gs
 * (default {@value #DEFAULT_LIMIT}, allowed 1..{@value #MAX_LIMIT}). Any other parameter, a repeated one or a bad
 * value is answered 400 in plain text, without echoing the input.
 * <p>
 * Where the dump runs: on a thread of its own, a Vert.x named worker pool {@value #POOL} of one thread. Not on the
 * event loop, where a dump of 10,000 Gs (seconds of stack walks) would stall every connection of that loop, the
 * application's included. Not as a G either: it would hold one of the scheduler's Ps for as long as it walks stacks,
 * and it would not run at all when every P is busy or the run queues are full, which is when it is needed. Named
 * Vert.x pools are not the worker pool that the extension sends to the scheduler. One dump runs at a time; a request
 * that comes while one runs gets 503 with {@code Retry-After}.
 */
public class GoroutineDumpHandler implements Handler<RoutingContext> {

    /** How many Gs a dump lists unless {@code limit} says otherwise. */
    static final int DEFAULT_LIMIT = 100;
    /** The largest {@code limit}. */
    static final int MAX_LIMIT = 10_000;
    /** The named Vert.x worker pool the dumps run on. */
    static final String POOL = "goroutines-dump";

    private static final Set<String> PARAMETERS = Set.of("format", "limit", "state");
    private static final String ALLOWED_STATES = java.util.Arrays.toString(GStatus.values()).toLowerCase(Locale.ROOT);

    /** True from the acceptance of a dump to its completion; both on the management interface's event loop. */
    private final AtomicBoolean busy = new AtomicBoolean();
    /** Made on the first dump, on an event loop; read only by event loops. */
    private volatile WorkerExecutor pool;

    @Override
    public void handle(RoutingContext rc) {
        GoExecutor go = Goroutines.executor();
        if (go == null) {
            plain(rc, 503, "the goroutines scheduler is not running");
            return;
        }
        Request request;
        try {
            request = Request.parse(rc.queryParams(), rc.request().getHeader("Accept"));
        } catch (IllegalArgumentException e) {
            plain(rc, 400, e.getMessage());
            return;
        }
        if (!busy.compareAndSet(false, true)) {
            rc.response().putHeader("Retry-After", "1");
            plain(rc, 503, "a goroutine dump is being taken: retry when it is done");
            return;
        }
        Scheduler scheduler = go.scheduler();
        pool(rc).<Dump> executeBlocking(() -> Dump.take(scheduler, request), false).onComplete(done -> {
            busy.set(false); // on every outcome, a refused task included
            if (done.failed()) {
                rc.fail(done.cause());
                return;
            }
            Dump d = done.result();
            rc.response().putHeader("Content-Type", d.contentType());
            if (d.truncated()) {
                rc.response().putHeader("X-Goroutines-Truncated", "true");
            }
            rc.response().end(d.body());
        });
    }

    private WorkerExecutor pool(RoutingContext rc) {
        WorkerExecutor p = pool;
        if (p == null) {
            // shared by name: a dev-mode restart gets the same single thread back
            p = pool = rc.vertx().createSharedWorkerExecutor(POOL, 1, 5, TimeUnit.MINUTES);
        }
        return p;
    }

    private static void plain(RoutingContext rc, int status, String message) {
        rc.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(message + "\n");
    }

    /** A checked dump request: which Gs, how many, in which format. */
    record Request(GStatus state, int limit, boolean json) {

        /**
         * @throws IllegalArgumentException a message that names the parameter and what is allowed, never the input
         */
        static Request parse(MultiMap query, String accept) {
            for (Map.Entry<String, String> e : query) {
                if (!PARAMETERS.contains(e.getKey())) {
                    throw new IllegalArgumentException("unknown query parameter: allowed " + PARAMETERS.stream().sorted()
                            .toList());
                }
            }
            for (String name : PARAMETERS) {
                if (query.getAll(name).size() > 1) {
                    throw new IllegalArgumentException(name + " is given more than once");
                }
            }
            String format = query.get("format");
            if (format != null && !format.equals("text") && !format.equals("json")) {
                throw new IllegalArgumentException("format is not valid: allowed text, json");
            }
            boolean json = "json".equals(format)
                    || format == null && accept != null && accept.contains("application/json");
            GStatus state;
            try {
                state = GoroutineDump.parseState(query.get("state"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("state is not a G state: allowed " + ALLOWED_STATES);
            }
            return new Request(state, limit(query.get("limit")), json);
        }

        private static int limit(String value) {
            if (value == null) {
                return DEFAULT_LIMIT;
            }
            int n;
            try {
                n = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > MAX_LIMIT) {
                throw new IllegalArgumentException("limit is out of range: allowed 1.." + MAX_LIMIT);
            }
            return n;
        }
    }

    /** A dump ready to send, encoded on the dump thread so that the event loop only writes bytes. */
    record Dump(Buffer body, String contentType, boolean truncated) {

        static Dump take(Scheduler scheduler, Request r) {
            // one more than asked tells whether Gs were left out
            List<GoroutineDump.Goroutine> gs = GoroutineDump.list(scheduler, r.state(), r.limit() + 1, true);
            boolean truncated = gs.size() > r.limit();
            if (truncated) {
                gs = gs.subList(0, r.limit());
            }
            if (r.json()) {
                return new Dump(json(gs).toBuffer(), "application/json", truncated);
            }
            String text = GoroutineDump.text(withGroups(gs));
            if (truncated) {
                text += "# more goroutines not listed: limit=" + r.limit() + " (allowed up to " + MAX_LIMIT + ")\n";
            }
            return new Dump(Buffer.buffer(text.getBytes(StandardCharsets.UTF_8)), "text/plain; charset=utf-8",
                    truncated);
        }
    }

    static JsonArray json(List<GoroutineDump.Goroutine> gs) {
        JsonArray out = new JsonArray();
        for (GoroutineDump.Goroutine g : gs) {
            JsonArray stack = new JsonArray();
            g.stack().forEach(f -> stack.add(f.toString()));
            out.add(new JsonObject().put("id", g.id()).put("state", g.state().name().toLowerCase(Locale.ROOT))
                    .put("waitReason", g.waitReason()).put("ageMillis", g.ageMillis()).put("label", g.label())
                    .put("m", g.m() < 0 ? null : g.m()).put("thread", g.thread())
                    .put("group", Group.ofGoroutine(g.id()).map(Group::toString).orElse(null)).put("stack", stack));
        }
        return out;
    }

    /**
     * The Gs with the group appended to the label, {@code GET /quote {group 7, 1 running, deadline in 120 ms}}, where
     * a deadline applies or the group is cancelled (a request's group that only watches for a disconnect is left out).
     */
    static List<GoroutineDump.Goroutine> withGroups(List<GoroutineDump.Goroutine> gs) {
        return gs.stream().map(g -> Group.ofGoroutine(g.id())
                .filter(group -> group.hasDeadline() || group.isCancelled())
                .map(group -> new GoroutineDump.Goroutine(g.id(), g.state(), g.waitReason(), g.ageMillis(),
                        (g.label() == null ? "" : g.label() + " ") + "{" + group + "}", g.m(), g.thread(), g.stack()))
                .orElse(g)).toList();
    }
}
