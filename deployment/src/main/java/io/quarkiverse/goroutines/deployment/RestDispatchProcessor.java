package io.quarkiverse.goroutines.deployment;

import io.quarkiverse.goroutines.runtime.GoroutinesBuildTimeConfig;
import io.quarkiverse.goroutines.runtime.RestDispatchCustomizer;
import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.Capability;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.resteasy.reactive.server.spi.GlobalHandlerCustomizerBuildItem;

/** Every blocking Quarkus REST method runs as a G: filters, body reading, the method and response writing. */
class RestDispatchProcessor {

    @BuildStep
    void restDispatch(Capabilities capabilities, GoroutinesBuildTimeConfig config,
            BuildProducer<GlobalHandlerCustomizerBuildItem> customizers) {
        if (capabilities.isPresent(Capability.REST) || capabilities.isPresent(Capability.RESTEASY_REACTIVE)) {
            customizers.produce(new GlobalHandlerCustomizerBuildItem(config.virtualThreads().takeOver()
                    ? new RestDispatchCustomizer.WithVirtualThreads()
                    : new RestDispatchCustomizer()));
        }
    }
}
