package io.quarkiverse.goroutines.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The drain gets the smaller of its own timeout and what is left of Quarkus's shutdown budget. */
class ShutdownBudgetTest {

    static final Duration OWN = Duration.ofSeconds(10);
    static final long SECOND = 1_000_000_000L;

    @Test
    void withoutQuarkusTimeoutTheDrainHasItsOwn() {
        ShutdownBudget b = new ShutdownBudget(Optional.empty());
        b.started(1);
        assertEquals(OWN, b.drainTimeout(OWN, 1 + 100 * SECOND));
    }

    @Test
    void theDrainGetsWhatIsLeftOfQuarkusTimeout() {
        ShutdownBudget b = new ShutdownBudget(Optional.of(Duration.ofSeconds(30)));
        b.started(SECOND);
        b.started(5 * SECOND); // the first start counts
        assertEquals(Duration.ofSeconds(10), b.drainTimeout(OWN, 2 * SECOND), "own timeout when more is left");
        assertEquals(Duration.ofSeconds(4), b.drainTimeout(OWN, 27 * SECOND));
        assertEquals(Duration.ZERO, b.drainTimeout(OWN, 31 * SECOND), "the requests spent it all");
        assertEquals(Duration.ZERO, b.drainTimeout(OWN, 100 * SECOND));
    }

    @Test
    void aShutdownWithoutPreShutdownStartsItsBudgetNow() {
        ShutdownBudget b = new ShutdownBudget(Optional.of(Duration.ofSeconds(3)));
        assertEquals(Duration.ofSeconds(3), b.drainTimeout(OWN, 50 * SECOND));
    }
}
