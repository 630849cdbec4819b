package io.quarkiverse.goroutines.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks the {@code <thread>|g<id>} prefix of an answer. */
final class Served {

    private static final Pattern ON_G = Pattern.compile("^(executor-thread-\\d+)\\|g(\\d+)");

    private Served() {
    }

    /** Asserts the answer came from a G on an {@code executor-thread} M; prints and returns the G id. */
    static long onG(String what, String answer) {
        System.out.println("[goroutines-it] " + what + ": " + answer);
        Matcher m = ON_G.matcher(answer);
        assertTrue(m.find(), what + " should be served by a G on an executor-thread M: " + answer);
        long id = Long.parseLong(m.group(2));
        assertTrue(id > 0, answer);
        return id;
    }
}
