package io.quarkiverse.goroutines.deployment;

/** Finds the message of the out-of-range error inside a start-up failure. */
final class InvalidValues {

    private InvalidValues() {
    }

    static String rootMessage(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IllegalArgumentException && c.getMessage() != null
                    && c.getMessage().startsWith("quarkus.goroutines.")) {
                System.out.println("[goroutines-test] start-up failed with: " + c.getMessage());
                return c.getMessage();
            }
        }
        throw new AssertionError("no quarkus.goroutines.* IllegalArgumentException in the cause chain", t);
    }
}
