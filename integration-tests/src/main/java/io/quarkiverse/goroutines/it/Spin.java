package io.quarkiverse.goroutines.it;

/** A fixed amount of CPU work: xorshift64 blocks, about 9.25 per microsecond on the reference machine. */
final class Spin {

    static final int BLOCKS_PER_US = 9;
    static volatile long sink;

    private Spin() {
    }

    static long spin(int us) {
        long x = 88172645463325252L ^ System.nanoTime();
        long n = (long) us * BLOCKS_PER_US * 8;
        for (long i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        sink = x;
        return x & 0xffff;
    }
}
