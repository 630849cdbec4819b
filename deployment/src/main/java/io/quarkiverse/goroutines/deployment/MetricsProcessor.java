package io.quarkiverse.goroutines.deployment;

import java.util.Optional;

import io.quarkiverse.goroutines.runtime.ObservabilityRecorder;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;
import io.quarkus.deployment.metrics.MetricsCapabilityBuildItem;
import io.quarkus.deployment.metrics.MetricsFactoryConsumerBuildItem;
import io.quarkus.runtime.metrics.MetricsFactory;

/**
 * Registers the scheduler's meters when the app has Micrometer ({@code quarkus-micrometer}). Through Quarkus's
 * {@link MetricsFactory}, so that this extension needs no Micrometer classes and nothing is loaded without it.
 */
class MetricsProcessor {

    @BuildStep
    @Record(ExecutionTime.RUNTIME_INIT)
    void metrics(Optional<MetricsCapabilityBuildItem> capability, ObservabilityRecorder recorder,
            BuildProducer<MetricsFactoryConsumerBuildItem> consumers) {
        if (capability.isPresent() && capability.get().metricsSupported(MetricsFactory.MICROMETER)) {
            consumers.produce(new MetricsFactoryConsumerBuildItem(recorder.metrics(), ExecutionTime.RUNTIME_INIT));
        }
    }
}
