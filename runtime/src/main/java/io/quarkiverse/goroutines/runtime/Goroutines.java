package io.quarkiverse.goroutines.runtime;

/**
 * Where every hook finds the running scheduler.
 * <p>
 * Hooks are created at build or static-init time, before the scheduler starts at runtime-init, so they look it up
 * here at call time. {@code null} means "not started, stopped or disabled": the hook then leaves the work to the stock
 * Quarkus worker pool.
 */
public final class Goroutines {

    private static volatile GoExecutor executor;

    private Goroutines() {
    }

    /** The running scheduler's executor, or {@code null} when blocking work belongs to the stock pool. */
    public static GoExecutor executor() {
        return executor;
    }

    static void install(GoExecutor e) {
        executor = e;
    }

    static void uninstall(GoExecutor e) {
        if (executor == e) {
            executor = null;
        }
    }
}
