package io.quarkiverse.goroutines.deployment.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.quarkiverse.goroutines.Go;
import io.quarkiverse.goroutines.GoroutineInfo;

/** Says which thread and which G ran the caller, as {@code thread|g<id>} or {@code thread|none}. */
public final class Where {

    private static final Pattern ON_G = Pattern.compile("(executor-thread-\\d+)\\|g(\\d+)");

    private Where() {
    }

    /** The thread is the M's (a virtual G's carrier), so both modes answer {@code executor-thread-N|g<id>}. */
    public static String here() {
        Optional<GoroutineInfo> g = Go.current();
        return g.map(GoroutineInfo::thread).orElse(Thread.currentThread().getName()) + "|"
                + g.map(i -> "g" + i.id()).orElse("none");
    }

    /** The M's thread running the caller (a virtual G's carrier), or the current thread outside a G. */
    public static Thread mThread() {
        Optional<GoroutineInfo> g = Go.current();
        if (g.isEmpty() || !g.get().virtual()) {
            return Thread.currentThread();
        }
        String name = g.get().thread();
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow();
    }

    /** Asserts that {@code served} names a Vert.x worker thread running a G; prints and returns it. */
    public static String assertOnG(String what, String served) {
        System.out.println("[goroutines-test] " + what + " served by " + served);
        Matcher m = ON_G.matcher(served);
        assertTrue(m.find(), what + " should run as a G on an executor-thread M, was " + served);
        assertTrue(Long.parseLong(m.group(2)) > 0, what + ": G id should be positive, was " + served);
        return served;
    }

    /** Asserts that {@code served} names a stock worker thread with no G. */
    public static String assertStock(String what, String served) {
        System.out.println("[goroutines-test] " + what + " served by " + served);
        assertTrue(served.matches(".*executor-thread-\\d+\\|none.*"),
                what + " should run on the stock pool without a G, was " + served);
        return served;
    }
}
