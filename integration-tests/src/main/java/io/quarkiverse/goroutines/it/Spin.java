package io.quarkiverse.goroutines.it;

/**
 * A fixed amount of CPU work: a count of xorshift64 steps, not a clock loop, so that a descheduled thread does the
 * same work. About 690 steps take a microsecond on the 2-vCPU reference machine (the benchmarks' {@code SpinCost}:
 * 33,000 steps in 47–49 µs).
 */
final class Spin {
    static final int STEPS_PER_US = 690;
    static volatile long sink;

    private Spin() {
    }

    static long spin(int us) {
        long x = 88172645463325252L ^ System.nanoTime();
        long n = (long) us * STEPS_PER_US;
        for (long i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        sink = x;
        return x & 0xffff;
    }
}
