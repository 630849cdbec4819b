package io.quarkiverse.goroutines.deployment;

import org.jboss.logging.Logger;

import io.quarkiverse.goroutines.runtime.GoroutinesBuildTimeConfig;
import io.quarkiverse.goroutines.runtime.ObservabilityRecorder;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;
import io.quarkus.vertx.http.deployment.NonApplicationRootPathBuildItem;
import io.quarkus.vertx.http.deployment.RouteBuildItem;
import io.quarkus.vertx.http.runtime.management.ManagementInterfaceBuildTimeConfig;

/**
 * Serves the goroutine dump on the management interface when {@code quarkus.goroutines.dump.enabled=true}. Without
 * the management interface the dump is not served at all: a stack dump is not for the application's port.
 */
class DumpProcessor {

    private static final Logger LOG = Logger.getLogger(DumpProcessor.class);

    @BuildStep
    @Record(ExecutionTime.RUNTIME_INIT)
    void dump(GoroutinesBuildTimeConfig config, ManagementInterfaceBuildTimeConfig management,
            NonApplicationRootPathBuildItem paths, ObservabilityRecorder recorder,
            BuildProducer<RouteBuildItem> routes) {
        if (!config.dump().enabled()) {
            return;
        }
        if (!management.enabled()) {
            LOG.warn("quarkus.goroutines.dump.enabled=true needs quarkus.management.enabled=true: "
                    + "the goroutine dump is not served on the application's port");
            return;
        }
        routes.produce(paths.routeBuilder().management().route("goroutines").handler(recorder.dumpHandler())
                .displayOnNotFoundPage("Goroutine dump").build());
    }
}
