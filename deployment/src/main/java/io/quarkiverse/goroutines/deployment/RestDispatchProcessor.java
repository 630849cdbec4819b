package io.quarkiverse.goroutines.deployment;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CancellationException;
import java.util.stream.Collectors;

import jakarta.ws.rs.Priorities;

import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationTarget;
import org.jboss.jandex.AnnotationValue;
import org.jboss.jandex.DotName;
import org.jboss.jandex.MethodInfo;

import io.quarkiverse.goroutines.runtime.CancelledRequestMapper;
import io.quarkiverse.goroutines.runtime.Goroutines;
import io.quarkiverse.goroutines.runtime.GoroutinesBuildTimeConfig;
import io.quarkiverse.goroutines.runtime.RequestTimeout;
import io.quarkiverse.goroutines.runtime.RestDispatchCustomizer;
import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.Capability;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.Produce;
import io.quarkus.deployment.builditem.CombinedIndexBuildItem;
import io.quarkus.deployment.builditem.ServiceStartBuildItem;
import io.quarkus.resteasy.reactive.server.spi.GlobalHandlerCustomizerBuildItem;
import io.quarkus.resteasy.reactive.spi.ExceptionMapperBuildItem;

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

    /** A cancelled request (deadline, disconnect) answers 503 with the reason; an application's own mapper wins. */
    @BuildStep
    void cancelledRequests(Capabilities capabilities, BuildProducer<ExceptionMapperBuildItem> mappers) {
        if (capabilities.isPresent(Capability.REST) || capabilities.isPresent(Capability.RESTEASY_REACTIVE)) {
            mappers.produce(new ExceptionMapperBuildItem(CancelledRequestMapper.class.getName(),
                    CancellationException.class.getName(), Priorities.USER + 1000, false));
        }
    }

    /** A {@link RequestTimeout} out of range fails the build, naming the method and the allowed values. */
    @BuildStep
    @Produce(ServiceStartBuildItem.class) // produces nothing: a start-up item makes it run in every build
    void checkRequestTimeouts(CombinedIndexBuildItem index) {
        for (AnnotationInstance a : index.getIndex().getAnnotations(DotName.createSimple(RequestTimeout.class))) {
            long value = a.value().asLong();
            AnnotationValue u = a.value("unit");
            ChronoUnit unit = u == null ? ChronoUnit.MILLIS : ChronoUnit.valueOf(u.asEnum());
            String where = "@RequestTimeout(" + value + (u == null ? "" : ", unit=" + unit) + ") on " + name(a.target());
            if (value != 0 && !inRange(value, unit)) {
                throw new IllegalArgumentException(where + " is out of range: allowed 0 (no deadline) or 1ms..1h");
            }
        }
    }

    private static boolean inRange(long value, ChronoUnit unit) {
        if (value < 0) {
            return false;
        }
        try {
            Duration d = Duration.of(value, unit);
            return d.compareTo(Goroutines.RequestSettings.MIN) >= 0 && d.compareTo(Goroutines.RequestSettings.MAX) <= 0;
        } catch (ArithmeticException | java.time.temporal.UnsupportedTemporalTypeException e) {
            return false; // too large, or an estimated unit such as MONTHS
        }
    }

    /** {@code com.example.Resource#get()}, or the class name for an annotated class. */
    private static String name(AnnotationTarget target) {
        if (target.kind() == AnnotationTarget.Kind.METHOD) {
            MethodInfo m = target.asMethod();
            return m.declaringClass().name() + "#" + m.name() + "(" + m.parameterTypes().stream()
                    .map(t -> t.name().toString()).collect(Collectors.joining(", ")) + ")";
        }
        return target.toString();
    }
}
