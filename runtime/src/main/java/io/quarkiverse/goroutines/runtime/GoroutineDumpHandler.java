package io.quarkiverse.goroutines.runtime;

import java.util.List;
import java.util.Locale;

import io.quarkiverse.goroutines.scheduler.GStatus;
import io.quarkiverse.goroutines.scheduler.GoroutineDump;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Serves the goroutine dump (Go's {@code /debug/pprof/goroutine?debug=2}): every live G with its state, wait reason,
 * age, the request it serves and its stack. Plain text by default; JSON with {@code ?format=json} or
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
            rc.response().putHeader("Content-Type", "text/plain; charset=utf-8").end(GoroutineDump.text(gs));
        }
    }

    static JsonArray json(List<GoroutineDump.Goroutine> gs) {
        JsonArray out = new JsonArray();
        for (GoroutineDump.Goroutine g : gs) {
            JsonArray stack = new JsonArray();
            g.stack().forEach(f -> stack.add(f.toString()));
            out.add(new JsonObject().put("id", g.id()).put("state", g.state().name().toLowerCase(Locale.ROOT))
                    .put("waitReason", g.waitReason()).put("ageMillis", g.ageMillis()).put("label", g.label())
                    .put("m", g.m() < 0 ? null : g.m()).put("thread", g.thread()).put("stack", stack));
        }
        return out;
    }
}
