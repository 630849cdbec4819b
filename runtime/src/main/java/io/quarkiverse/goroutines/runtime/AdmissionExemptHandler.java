package io.quarkiverse.goroutines.runtime;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * Exempts the non-application endpoints ({@code /q/health}, {@code /q/metrics}, ...) from admission: an operator
 * needs them most while the scheduler sheds. A route ahead of them marks the request's (duplicated) Vert.x context;
 * {@link GoExecutor} starts the Gs of a marked request with {@code go}, which is never refused for load.
 * <p>
 * Recorded as a route at build time: public, with a public no-argument constructor.
 */
public class AdmissionExemptHandler implements io.vertx.core.Handler<RoutingContext> {

    private static final String KEY = AdmissionExemptHandler.class.getName();

    @Override
    public void handle(RoutingContext rc) {
        Context c = Vertx.currentContext();
        if (c != null) {
            c.putLocal(KEY, Boolean.TRUE);
        }
        rc.next();
    }

    /** Whether the caller serves a request marked by this handler. */
    static boolean current() {
        Context c = Vertx.currentContext();
        return c != null && c.getLocal(KEY) != null;
    }
}
