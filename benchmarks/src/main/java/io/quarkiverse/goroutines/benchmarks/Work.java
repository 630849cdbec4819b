package io.quarkiverse.goroutines.benchmarks;

/**
 * Fixed amounts of CPU work for benchmark tasks: a chain of xorshift steps, whose length (not a clock) sets the cost.
 * Each step depends on the one before, so the JIT can neither skip nor vectorize the loop.
 */
final class Work {
    /** Written only if a result is 0, which a xorshift from a non-zero seed never produces: keeps results alive. */
    static volatile long sink;

    private Work() {
    }

    /** Runs {@code steps} xorshift64 steps from {@code seed} (must not be 0) and consumes the result. */
    static void spin(long seed, int steps) {
        long x = seed;
        for (int i = 0; i < steps; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        if (x == 0) {
            sink = x;
        }
    }
}
