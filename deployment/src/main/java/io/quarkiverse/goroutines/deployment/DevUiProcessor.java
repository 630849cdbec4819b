package io.quarkiverse.goroutines.deployment;

import io.quarkiverse.goroutines.runtime.dev.GoroutinesJsonRpcService;
import io.quarkus.deployment.IsLocalDevelopment;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.devui.spi.JsonRPCProvidersBuildItem;
import io.quarkus.devui.spi.page.CardPageBuildItem;
import io.quarkus.devui.spi.page.Page;

/**
 * The "Goroutines" card of the Dev UI: a live label ({@code 2 Ps · 37 Gs}) and four pages, fed by
 * {@link GoroutinesJsonRpcService}, which lives in the runtime-dev module and so exists only in local dev mode.
 */
class DevUiProcessor {

    @BuildStep(onlyIf = IsLocalDevelopment.class)
    CardPageBuildItem card() {
        CardPageBuildItem card = new CardPageBuildItem();
        card.addPage(Page.webComponentPageBuilder()
                .title("Scheduler")
                .icon("font-awesome-solid:microchip")
                .componentLink("qwc-goroutines-scheduler.js")
                .streamingLabelJsonRPCMethodName("streamLabel"));
        card.addPage(Page.webComponentPageBuilder()
                .title("Timeline")
                .icon("font-awesome-solid:chart-line")
                .componentLink("qwc-goroutines-timeline.js"));
        card.addPage(Page.webComponentPageBuilder()
                .title("Goroutines")
                .icon("font-awesome-solid:list")
                .componentLink("qwc-goroutines-goroutines.js"));
        card.addPage(Page.webComponentPageBuilder()
                .title("Controls")
                .icon("font-awesome-solid:sliders")
                .componentLink("qwc-goroutines-controls.js"));
        return card;
    }

    @BuildStep(onlyIf = IsLocalDevelopment.class)
    JsonRPCProvidersBuildItem jsonRpc() {
        return new JsonRPCProvidersBuildItem(GoroutinesJsonRpcService.class);
    }
}
