package io.quarkiverse.goroutines.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A P's timer heap on its own: order, cancellation, compaction, closing. */
class TimerHeapTest {

    /**
     * Random adds, cancels and pops against a plain list: every timer that was not cancelled pops exactly once, in
     * order of {@code when}, and never before it is due; cancelled ones never pop.
     */
    @ParameterizedTest
    @ValueSource(longs = { 1, 2, 3, 42, 2026 })
    void popsEveryLiveTimerOnceInOrder(long seed) {
        Random rnd = new Random(seed);
        TimerHeap h = new TimerHeap();
        List<Timer> live = new ArrayList<>();
        Set<Timer> popped = new HashSet<>();
        long now = 0;
        for (int step = 0; step < 20_000; step++) {
            int op = rnd.nextInt(10);
            if (op < 5) {
                Timer t = new Timer(now + rnd.nextInt(1_000), () -> {
                });
                assertTrue(h.add(t));
                live.add(t);
            } else if (op < 7 && !live.isEmpty()) {
                Timer t = live.remove(rnd.nextInt(live.size()));
                assertTrue(t.cancel(false));
                assertFalse(t.cancel(false), "a timer is cancelled once");
            } else {
                now += rnd.nextInt(50);
                long last = Long.MIN_VALUE;
                Timer t;
                while ((t = h.popDue(now)) != null) {
                    assertTrue(t.when <= now, "popped before it was due");
                    assertTrue(t.when >= last, "out of order");
                    assertTrue(t.claim(), "popped a cancelled or fired timer");
                    assertTrue(popped.add(t), "popped twice");
                    assertTrue(live.remove(t));
                    last = t.when;
                }
                for (Timer l : live) {
                    assertTrue(l.when > now, "a due timer was left behind");
                }
            }
        }
        assertTrue(h.size() <= live.size() + live.size() / 4 + 64, "cancelled timers pile up: " + h.size());
    }

    /** Cancelled timers are dropped once they are more than a quarter of a large heap. */
    @ParameterizedTest
    @ValueSource(ints = { 100, 10_000 })
    void cancelledTimersAreCompactedAway(int n) {
        TimerHeap h = new TimerHeap();
        for (int i = 0; i < n; i++) {
            Timer t = new Timer(1_000_000 + i, () -> {
            });
            h.add(t);
            t.cancel(false);
        }
        assertTrue(h.size() < 100, "heap still holds " + h.size() + " cancelled timers");
        assertNull(h.popDue(Long.MAX_VALUE - 1));
        assertEquals(Long.MAX_VALUE, h.next);
    }

    /** A closed heap refuses timers and hands back the waiting ones. */
    @ParameterizedTest
    @ValueSource(ints = { 0, 5 })
    void aClosedHeapRefusesTimers(int waiting) {
        TimerHeap h = new TimerHeap();
        for (int i = 0; i < waiting; i++) {
            h.add(new Timer(i, () -> {
            }));
        }
        Timer cancelled = new Timer(99, () -> {
        });
        h.add(cancelled);
        cancelled.cancel(false);
        List<Timer> out = new ArrayList<>();
        h.drainTo(out, true);
        assertEquals(waiting, out.size(), "only waiting timers are handed back");
        assertFalse(h.add(new Timer(1, () -> {
        })));
        assertEquals(Long.MAX_VALUE, h.next);
    }
}
