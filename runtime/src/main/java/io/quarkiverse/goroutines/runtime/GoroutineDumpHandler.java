package io.quarkiverse.goroutines.runtime;

import java.util.List;
import java.util.Locale;

import io.quarkiverse.goroutines.Group;
import io.quarkiverse.goroutines.scheduler.GStatus;
import io.quarkiverse.goroutines.scheduler.GoroutineDump;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Serves the goroutine dump (Go's {@code /debug/pprof/goroutine?debug=2}): every live G with its state, wait reason,
 * age, the request it serves, its {@link Group} (with the time left before its deadline) and its stack. Plain text by default;
 * JSON with {@code ?format=json} or
 * {@code Accept: application/json}; {@code ?state=syscall} keeps one state.
 * <p>
 * Runs on the event loop, not as a G, so that it answers even when every P is busy or the run queues are full.
 */
public class GoroutineDumpHandler implements Handler<RoutingContext> {

    /** How many Gs one dump lists at most. */
    static final int LIMIT = 10_000;

    @Override
    public void handle(RoutingContext rc) {
        GoExecutor go = Goroutines.executor();
        if (go == null) {
            rc.response().setStatusCode(503).end("the goroutines scheduler is not running\n");
            return;
        }
        GStatus state;
        try {
            state = GoroutineDump.parseState(rc.request().getParam("state"));
        } catch (IllegalArgumentException e) {
            rc.response().setStatusCode(400).end(e.getMessage() + "\n");
            return;
        }
        List<GoroutineDump.Goroutine> gs = GoroutineDump.list(go.scheduler(), state, LIMIT, true);
        String accept = rc.request().getHeader("Accept");
        if ("json".equals(rc.request().getParam("format")) || accept != null && accept.contains("application/json")) {
            rc.response().putHeader("Content-Type", "application/json").end(json(gs).encode());
        } else {
            rc.response().putHeader("Content-Type", "text/plain; charset=utf-8").end(GoroutineDump.text(withGroups(gs)));
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
