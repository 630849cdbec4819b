package io.quarkiverse.goroutines.runtime;

import java.util.function.Consumer;

import io.quarkus.runtime.RuntimeValue;
import io.quarkus.runtime.annotations.Recorder;
import io.quarkus.runtime.metrics.MetricsFactory;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** Makes the scheduler's metrics and its goroutine dump endpoint. */
@Recorder
public class ObservabilityRecorder {

    private final RuntimeValue<GoroutinesConfig> config;

    public ObservabilityRecorder(RuntimeValue<GoroutinesConfig> config) {
        this.config = config;
    }

    /** The meters, with a run-queue gauge for each P the configuration asks for. */
    public Consumer<MetricsFactory> metrics() {
        return new GoroutineMetrics(SchedulerSettings.from(config.getValue(), null).procs());
    }

    public Handler<RoutingContext> dumpHandler() {
        return new GoroutineDumpHandler();
    }
}
