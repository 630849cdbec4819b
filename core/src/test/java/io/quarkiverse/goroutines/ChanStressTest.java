package io.quarkiverse.goroutines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Many producers and consumers on one channel: every element arrives exactly once. Each seed picks the capacity
 * (unbuffered, small or large) and how each consumer receives: {@code receive}, a select that also races a second,
 * idle channel, a select with a very short timeout (so that waits are withdrawn while senders complete them), or
 * {@code tryReceive} with a yield. Producers likewise mix {@code send} and a select send.
 */
@Timeout(120)
class ChanStressTest {
    static final int PRODUCERS = 8;
    static final int CONSUMERS = 8;
    /** The first seed; {@code -Dchan.stress.seed=N} runs other ones. */
    static final long SEED = Long.getLong("chan.stress.seed", 1000);

    static Stream<Arguments> cases() {
        int[] capacities = { 0, 0, 1, 1, 16, 1024 };
        return Env.modes().flatMap(mode -> IntStream.range(0, capacities.length)
                .mapToObj(i -> Arguments.of(mode, capacities[i], SEED + i, 100_000)));
    }

    @ParameterizedTest(name = "{0} cap={1} seed={2} n={3}")
    @MethodSource("cases")
    void noElementIsLostOrDuplicated(Env.Mode mode, int capacity, long seed, int n) throws Exception {
        AtomicIntegerArray seen = new AtomicIntegerArray(n);
        Chan<Integer> ch = Chan.make(capacity);
        Chan<Integer> idle = Chan.make();
        SplittableRandom seeds = new SplittableRandom(seed);
        try (Env env = mode.start()) {
            WaitGroup producers = new WaitGroup();
            WaitGroup consumers = new WaitGroup();
            producers.add(PRODUCERS);
            consumers.add(CONSUMERS);
            for (int p = 0; p < PRODUCERS; p++) {
                int first = p;
                SplittableRandom rnd = seeds.split();
                env.go(() -> {
                    try {
                        for (int v = first; v < n; v += PRODUCERS) {
                            if (rnd.nextInt(4) == 0) {
                                int value = v;
                                Select.select().send(ch, () -> value, () -> {
                                }).receive(idle, x -> {
                                    throw new AssertionError("idle channel delivered " + x);
                                }).run();
                            } else {
                                ch.send(v);
                            }
                        }
                    } finally {
                        producers.done();
                    }
                });
            }
            for (int c = 0; c < CONSUMERS; c++) {
                int style = seeds.nextInt(4);
                env.go(() -> {
                    try {
                        consume(style, ch, idle, seen);
                    } finally {
                        consumers.done();
                    }
                });
            }
            env.run(() -> {
                producers.await();
                ch.close();
                consumers.await();
            });
        }
        for (int i = 0; i < n; i++) {
            assertEquals(1, seen.get(i), "element " + i + " received " + seen.get(i) + " times");
        }
    }

    private static void consume(int style, Chan<Integer> ch, Chan<Integer> idle, AtomicIntegerArray seen) {
        boolean[] closed = { false };
        Select racing = Select.select().receiveOk(ch, (v, ok) -> {
            if (ok) {
                seen.incrementAndGet(v);
            } else {
                closed[0] = true;
            }
        }).receive(idle, x -> {
            throw new AssertionError("idle channel delivered " + x);
        });
        Select impatient = Select.select().receiveOk(ch, (v, ok) -> {
            if (ok) {
                seen.incrementAndGet(v);
            } else {
                closed[0] = true;
            }
        }).timeout(Duration.ofNanos(50_000), () -> {
        });
        while (!closed[0]) {
            switch (style) {
                case 0 -> {
                    Chan.Received<Integer> r = ch.receiveOk();
                    if (r.ok()) {
                        seen.incrementAndGet(r.value());
                    } else {
                        closed[0] = true;
                    }
                }
                case 1 -> racing.run();
                case 2 -> impatient.run();
                default -> {
                    Integer v = ch.tryReceive();
                    if (v != null) {
                        seen.incrementAndGet(v);
                    } else {
                        // Null is "nothing now" or "closed": a blocking receive tells them apart.
                        racing.run();
                    }
                }
            }
        }
    }
}
