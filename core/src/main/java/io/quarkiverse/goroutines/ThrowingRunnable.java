package io.quarkiverse.goroutines;

/** A blocking call that returns nothing and may throw. */
@FunctionalInterface
public interface ThrowingRunnable {
    void run() throws Exception;
}
