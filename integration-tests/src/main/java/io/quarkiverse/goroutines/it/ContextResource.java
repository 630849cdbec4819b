package io.quarkiverse.goroutines.it;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;

import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Context propagation: a pre-matching filter runs on the event loop before the hop to a G and sets a request-scoped
 * value and an MDC entry; the blocking method reads them inside the G. The security identity comes from HTTP basic
 * auth, checked on the event loop.
 */
@Path("/context")
public class ContextResource {

    @Inject
    State state;
    @Inject
    SecurityIdentity identity;

    @GET
    public String read() {
        Context ctx = Vertx.currentContext();
        return "scope=" + state.rid() + " mdc=" + MDC.get("rid") + " vertx=" + (ctx != null)
                + " duplicated=" + (ctx != null && VertxContext.isDuplicatedContext(ctx))
                + " set-on=" + state.setOn() + " read-on=" + Where.here();
    }

    /**
     * Reads the context, sleeps {@code ms}, reads it again. In virtual mode the sleep parks the G, which may resume on
     * another M: the context must come along.
     */
    @GET
    @Path("after-park")
    public String afterPark(@QueryParam("ms") @DefaultValue("20") int ms) throws InterruptedException {
        String before = read();
        Thread.sleep(ms);
        return before + " || " + read();
    }

    /** The caller authenticated on the event loop; the identity is the same inside the G. */
    @GET
    @Path("identity")
    @RolesAllowed("user")
    public String identity() {
        return "user=" + identity.getPrincipal().getName() + " roles=" + identity.getRoles() + " read-on="
                + Where.here();
    }

    @ServerRequestFilter(preMatching = true)
    public void preMatch(ContainerRequestContext request) {
        String rid = request.getHeaderString("X-Rid");
        if (rid != null) {
            state.set(rid, Where.here());
            MDC.put("rid", rid);
        }
    }

    /** Accessed through methods only: fields of a client proxy are not the request's. */
    @RequestScoped
    public static class State {
        private String rid;
        private String setOn;

        void set(String rid, String setOn) {
            this.rid = rid;
            this.setOn = setOn;
        }

        String rid() {
            return rid;
        }

        String setOn() {
            return setOn;
        }
    }
}
