package io.quarkiverse.goroutines.deployment.devui;

import org.jboss.shrinkwrap.api.asset.StringAsset;

import io.quarkus.test.QuarkusDevModeTest;

/** The dev-mode app of the Dev UI tests: two Ps, {@link LoadResource}, and no calls to the extension registry. */
final class DevUiApp {

    private DevUiApp() {
    }

    static QuarkusDevModeTest create() {
        return new QuarkusDevModeTest()
                .withApplicationRoot(jar -> jar.addClass(LoadResource.class)
                        // platform mode: held requests keep their Ms in syscall, a state every page shows
                        .addAsResource(new StringAsset("quarkus.goroutines.procs=2\n"
                                + "quarkus.goroutines.mode=platform\n"
                                + "quarkus.dev-ui.allow-extension-management=false\n"), "application.properties"));
    }
}
