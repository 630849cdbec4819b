package io.quarkiverse.goroutines.runtime;

import java.time.Duration;

/**
 * Where every hook finds the running scheduler.
 * <p>
 * Hooks are created at build or static-init time, before the scheduler starts at runtime-init, so they look it up
 * here at call time. {@code null} means "not started, stopped or disabled": the hook then leaves the work to the stock
 * Quarkus worker pool.
 */
public final class Goroutines {

    private static volatile GoExecutor executor;
    /** How blocking REST requests are watched; set at start, with the executor. */
    private static volatile RequestSettings requests = RequestSettings.NONE;

    private Goroutines() {
    }

    /** The running scheduler's executor, or {@code null} when blocking work belongs to the stock pool. */
    public static GoExecutor executor() {
        return executor;
    }

    static void install(GoExecutor e, RequestSettings r) {
        requests = r;
        executor = e;
    }

    /** The request deadline and disconnect settings of the running scheduler. */
    static RequestSettings requests() {
        return requests;
    }

    static void uninstall(GoExecutor e) {
        if (executor == e) {
            executor = null;
        }
    }

    /**
     * {@code quarkus.goroutines.request.*}: the default deadline ({@code null} for none) and whether a disconnect
     * cancels.
     */
    public record RequestSettings(Duration timeout, boolean cancelOnDisconnect) {
        static final RequestSettings NONE = new RequestSettings(null, false);
        public static final Duration MIN = Duration.ofMillis(1);
        public static final Duration MAX = Duration.ofHours(1);

        /**
         * Checks a deadline: 1ms..1h.
         *
         * @throws IllegalArgumentException {@code <where>=<value> is out of range: allowed 1ms..1h}
         */
        public static Duration check(String where, Duration d) {
            if (d.compareTo(MIN) < 0 || d.compareTo(MAX) > 0) {
                throw new IllegalArgumentException(where + "=" + d + " is out of range: allowed 1ms..1h");
            }
            return d;
        }
    }
}
