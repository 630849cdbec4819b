package io.quarkiverse.goroutines.deployment;

import io.quarkus.builder.item.SimpleBuildItem;

/** Marks that the runtime-init step starting the scheduler has been recorded; later steps consume it for order. */
public final class SchedulerStartedBuildItem extends SimpleBuildItem {
}
