package io.quarkiverse.goroutines;

import static io.quarkiverse.goroutines.Env.MODES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Go#after} and {@link Go#tick}. */
@Timeout(60)
class TimersTest {

    @ParameterizedTest
    @MethodSource(MODES)
    void afterSendsOnceNoEarlierThanAsked(Env.Mode mode) throws Exception {
        try (Env env = mode.start()) {
            env.run(() -> {
                long start = System.nanoTime();
                Chan<Instant> c = Go.after(Duration.ofMillis(25));
                assertEquals(1, c.cap());
                assertTrue(c.receive() != null);
                assertTrue(System.nanoTime() - start >= Duration.ofMillis(25).toNanos(), "fired early");
                assertEquals(null, c.tryReceive(), "fires once");
                assertTrue(Go.after(Duration.ZERO).receive() != null);
                assertTrue(Go.after(Duration.ofMillis(-5)).receive() != null, "negative fires at once");
            });
        }
    }

    @ParameterizedTest
    @MethodSource(MODES)
    void tickSendsRepeatedly(Env.Mode mode) throws Exception {
        try (Env env = mode.start()) {
            env.run(() -> {
                Chan<Instant> ticks = Go.tick(Duration.ofMillis(5));
                List<Instant> got = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    got.add(ticks.receive());
                }
                for (int i = 1; i < got.size(); i++) {
                    assertTrue(got.get(i).isAfter(got.get(i - 1)), "ticks in order: " + got);
                }
            });
        }
    }

    @Test
    void manyTimersShareOneThread() {
        List<Chan<Instant>> timers = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            timers.add(Go.after(Duration.ofMillis(1 + i % 20)));
        }
        for (Chan<Instant> c : timers) {
            c.receive();
        }
        long timerThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("goroutines-timer")).count();
        assertEquals(1, timerThreads);
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("goroutines-timer")).allMatch(Thread::isDaemon));
    }

    @Test
    void tickNeedsAPositivePeriod() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Go.tick(Duration.ZERO));
        assertTrue(e.getMessage().contains("must be positive"), e.getMessage());
        assertThrows(NullPointerException.class, () -> Go.after(null));
        assertTrue(Go.after(Duration.ofHours(1)).trySend(Instant.now()), "room for one value before it fires");
    }
}
