package io.quarkiverse.goroutines.deployment;

import java.util.Optional;

import io.quarkiverse.goroutines.runtime.AsyncEventsExecutor;
import io.quarkiverse.goroutines.runtime.ExecutorServiceProducer;
import io.quarkiverse.goroutines.runtime.GoroutinesRecorder;
import io.quarkiverse.goroutines.runtime.ManagedExecutorProducer;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.bootstrap.classloading.QuarkusClassLoader;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;
import io.quarkus.deployment.builditem.ContextHandlerBuildItem;
import io.quarkus.deployment.builditem.ExecutorBuildItem;
import io.quarkus.deployment.builditem.FeatureBuildItem;
import io.quarkus.deployment.builditem.LaunchModeBuildItem;
import io.quarkus.deployment.builditem.ModuleOpenBuildItem;
import io.quarkus.deployment.builditem.ServiceStartBuildItem;
import io.quarkus.deployment.builditem.ShutdownContextBuildItem;
import io.quarkus.deployment.builditem.ShutdownListenerBuildItem;
import io.quarkus.deployment.builditem.ThreadFactoryBuildItem;
import io.quarkus.vertx.core.deployment.CoreVertxBuildItem;

/**
 * Starts the scheduler and hooks it into every Quarkus user of the worker pool, except Quarkus REST (see
 * {@link RestDispatchProcessor}) and the Vert.x worker pool (a {@code VertxServiceProvider} in the runtime module).
 */
class GoroutinesProcessor {

    static final String FEATURE = "goroutines";

    @BuildStep
    FeatureBuildItem feature() {
        return new FeatureBuildItem(FEATURE);
    }

    /** Injected {@code ExecutorService}/{@code Executor}, CDI async events and, with context propagation, ManagedExecutor. */
    @BuildStep
    void beans(BuildProducer<AdditionalBeanBuildItem> beans) {
        beans.produce(AdditionalBeanBuildItem.unremovableOf(AsyncEventsExecutor.class));
        beans.produce(new AdditionalBeanBuildItem(ExecutorServiceProducer.class));
        if (QuarkusClassLoader.isClassPresentAtRuntime("io.smallrye.context.SmallRyeManagedExecutor")) {
            beans.produce(new AdditionalBeanBuildItem(ManagedExecutorProducer.class));
        }
    }

    /**
     * Starts the scheduler after the stock pool exists ({@link ExecutorBuildItem} is consumed only for that order),
     * with Quarkus's thread factory and context handler.
     */
    @BuildStep
    @Record(ExecutionTime.RUNTIME_INIT)
    void start(GoroutinesRecorder recorder, ShutdownContextBuildItem shutdown,
            ExecutorBuildItem stockPool, Optional<ThreadFactoryBuildItem> threadFactory,
            Optional<ContextHandlerBuildItem> contextHandler, LaunchModeBuildItem launchMode,
            BuildProducer<ServiceStartBuildItem> serviceStart, BuildProducer<SchedulerStartedBuildItem> started,
            BuildProducer<ShutdownListenerBuildItem> shutdownListeners) {
        // the listener marks when Quarkus begins to shut down: the drain fits in what is left of its budget
        shutdownListeners.produce(new ShutdownListenerBuildItem(recorder.start(shutdown, launchMode.getLaunchMode(),
                threadFactory.map(ThreadFactoryBuildItem::getThreadFactory).orElse(null),
                contextHandler.map(ContextHandlerBuildItem::contextHandler).orElse(null))));
        serviceStart.produce(new ServiceStartBuildItem(FEATURE));
        started.produce(new SchedulerStartedBuildItem());
    }

    /**
     * The module name of the core library (the {@code Automatic-Module-Name} of its jar), which makes the
     * reflective call that needs {@code java.lang} open.
     */
    static final String CORE_MODULE = "io.quarkiverse.goroutines.core";

    /**
     * Virtual mode builds virtual threads on the scheduler through a JDK constructor that is not public: open
     * {@code java.base/java.lang} to the core library at every launch, so that users add no JVM flag. As Quarkus does
     * for its own libraries, the item names the library's module; the library sits on the class path, in the unnamed
     * module, so Quarkus opens the package to the unnamed module (the runnable jar's manifest gets
     * {@code Add-Opens: java.base/java.lang}, which means {@code ALL-UNNAMED}). Harmless in platform mode.
     */
    @BuildStep
    ModuleOpenBuildItem openJavaLang() {
        return new ModuleOpenBuildItem("java.base", CORE_MODULE, "java.lang");
    }

    /** Runs after Vert.x installed its own Mutiny executor (it produced {@link CoreVertxBuildItem}). */
    @BuildStep
    @Record(ExecutionTime.RUNTIME_INIT)
    void mutiny(GoroutinesRecorder recorder, CoreVertxBuildItem vertx, SchedulerStartedBuildItem started) {
        recorder.useForMutiny();
    }
}
