package io.quarkiverse.goroutines.runtime;

import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings fixed when the application is built: they decide which handler chains are made. */
@ConfigMapping(prefix = "quarkus.goroutines")
@ConfigRoot(phase = ConfigPhase.BUILD_TIME)
public interface GoroutinesBuildTimeConfig {

    /** {@code @RunOnVirtualThread} methods. */
    VirtualThreads virtualThreads();

    /** {@code @RunOnVirtualThread} settings. */
    interface VirtualThreads {
        /**
         * Whether Quarkus REST methods annotated {@code @RunOnVirtualThread} run as Gs on the scheduler instead of on
         * virtual threads. Off by default: such methods keep the virtual threads they asked for. Go has no
         * equivalent (every goroutine is scheduled by the runtime).
         */
        @WithDefault("false")
        boolean takeOver();
    }

    /** The goroutine dump endpoint. */
    Dump dump();

    /** Goroutine dump settings. */
    interface Dump {
        /**
         * Whether the management interface serves a goroutine dump at {@code /q/goroutines} (plain text like Go's
         * {@code /debug/pprof/goroutine?debug=2}; JSON with {@code ?format=json}; {@code ?state=} keeps one state;
         * {@code ?limit=} lists at most that many Gs, default 100, allowed 1..10000). It needs
         * {@code quarkus.management.enabled=true}: the dump is never served on the application's port. The dump is
         * taken on a thread of its own, neither on the event loop nor as a G. Default {@code false}.
         */
        @WithDefault("false")
        boolean enabled();
    }
}
