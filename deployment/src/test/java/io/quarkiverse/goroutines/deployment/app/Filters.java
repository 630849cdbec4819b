package io.quarkiverse.goroutines.deployment.app;

import jakarta.ws.rs.container.ContainerRequestContext;

import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** A pre-matching filter (runs before the hop to a G) and a normal one (runs on the G). */
public class Filters {

    private final RequestState requestState;

    public Filters(RequestState requestState) {
        this.requestState = requestState;
    }

    @ServerRequestFilter(preMatching = true)
    public void preMatch(ContainerRequestContext ctx) {
        String rid = ctx.getHeaderString("X-Rid");
        requestState.id(rid);
        requestState.preMatchThread(Where.here());
        if (rid != null) {
            MDC.put("rid", rid);
        }
    }

    @ServerRequestFilter
    public void afterMatch(ContainerRequestContext ctx) {
        requestState.filterThread(Where.here());
    }
}
