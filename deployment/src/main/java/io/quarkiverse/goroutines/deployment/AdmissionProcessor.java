package io.quarkiverse.goroutines.deployment;

import io.quarkiverse.goroutines.runtime.AdmissionExemptHandler;
import io.quarkiverse.goroutines.runtime.OverloadedFailureHandler;
import io.quarkiverse.goroutines.runtime.SheddingReadinessCheck;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.Capability;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.vertx.http.deployment.NonApplicationRootPathBuildItem;
import io.quarkus.vertx.http.deployment.RouteBuildItem;
import io.quarkus.vertx.http.runtime.management.ManagementInterfaceBuildTimeConfig;

/**
 * What the app says while the scheduler sheds load: 503 with {@code Retry-After} to each refused request, and
 * readiness DOWN when the app has SmallRye Health.
 */
class AdmissionProcessor {

    /** Ahead of every other failure handler, on every path of the application router. */
    @BuildStep
    void refusedRequests(BuildProducer<RouteBuildItem> routes) {
        routes.produce(RouteBuildItem.builder().orderedRoute("/*", Integer.MIN_VALUE)
                .handler(new OverloadedFailureHandler()).failureRoute().build());
    }

    /**
     * Health, metrics and the other {@code /q/} endpoints are never refused for load, on the main port and on the
     * management interface.
     */
    @BuildStep
    void exemptEndpoints(NonApplicationRootPathBuildItem paths, ManagementInterfaceBuildTimeConfig management,
            BuildProducer<RouteBuildItem> routes) {
        routes.produce(paths.routeBuilder().orderedRoute("*", Integer.MIN_VALUE)
                .handler(new AdmissionExemptHandler()).build());
        if (management.enabled()) {
            routes.produce(paths.routeBuilder().management().orderedRoute("*", Integer.MIN_VALUE)
                    .handler(new AdmissionExemptHandler()).build());
        }
    }

    /** The readiness check, only with {@code quarkus-smallrye-health}: its API is an optional dependency. */
    @BuildStep
    void readiness(Capabilities capabilities, BuildProducer<AdditionalBeanBuildItem> beans) {
        if (capabilities.isPresent(Capability.SMALLRYE_HEALTH)) {
            beans.produce(AdditionalBeanBuildItem.unremovableOf(SheddingReadinessCheck.class));
        }
    }
}
