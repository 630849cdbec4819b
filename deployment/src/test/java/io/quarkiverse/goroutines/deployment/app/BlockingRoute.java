package io.quarkiverse.goroutines.deployment.app;

import io.quarkus.vertx.web.Route;
import io.smallrye.common.annotation.Blocking;
import io.vertx.ext.web.RoutingContext;

public class BlockingRoute {
    @Route(path = "/route/blocking", methods = Route.HttpMethod.GET)
    @Blocking
    void blocking(RoutingContext rc) {
        rc.response().end(Where.here());
    }
}
