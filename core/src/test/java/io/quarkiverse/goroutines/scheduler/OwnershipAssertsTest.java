package io.quarkiverse.goroutines.scheduler;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The ownership rules of Ps are {@code assert}s, on in every test run: an M takes a P only when it holds none and
 * nobody else owns it, and gives back only its own.
 */
class OwnershipAssertsTest {

    @Test
    void assertionsAreOnInTests() {
        boolean on = false;
        assert on = true;
        assertTrue(on, "the build runs the tests with -ea");
    }

    @Test
    void acquirepAndReleasepCheckOwnership() {
        M m1 = new M(1, null);
        M m2 = new M(2, null);
        P p = new P(0);
        P q = new P(1);
        m1.acquirep(p);
        assertTrue(p.ownedBy(m1));
        assertThrows(AssertionError.class, () -> m1.acquirep(q), "an M holds one P at a time");
        assertThrows(AssertionError.class, () -> m2.acquirep(p), "a P has one owner");
        assertThrows(AssertionError.class, m2::releasep, "only a P's owner gives it back");
        assertSame(p, m1.releasep());
        assertTrue(!p.ownedBy(m1));
    }
}
