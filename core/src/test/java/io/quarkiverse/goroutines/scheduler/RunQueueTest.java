package io.quarkiverse.goroutines.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Single-threaded behaviour of {@link RunQueue}: Go's runqput / runqget / runqgrab / runqsteal semantics. */
class RunQueueTest {

    private final List<List<G>> overflows = new ArrayList<>();
    private final Consumer<List<G>> overflow = overflows::add;
    private static final Consumer<List<G>> NO_OVERFLOW = batch -> fail("unexpected overflow: " + ids(batch));

    static G g(long id) {
        G g = new G();
        g.id = id;
        return g;
    }

    static List<Long> ids(List<G> gs) {
        return gs.stream().map(x -> x.id).toList();
    }

    static List<Long> range(long fromInclusive, long toExclusive) {
        return LongStream.range(fromInclusive, toExclusive).boxed().toList();
    }

    /** Takes everything with {@link RunQueue#get()} and returns the ids, checking {@code inheritTime} on the way. */
    static List<Long> getAll(RunQueue q) {
        List<Long> out = new ArrayList<>();
        RunQueue.Next n;
        boolean first = true;
        boolean hadRunNext = q.runnext.get() != null;
        while ((n = q.get()) != null) {
            assertNotNull(n.g());
            assertEquals(first && hadRunNext, n.inheritTime(), "inheritTime of G" + n.g().id);
            out.add(n.g().id);
            first = false;
        }
        assertTrue(q.isEmpty());
        assertEquals(0, q.size());
        return out;
    }

    /** Puts {@code ids} (not next) into {@code q}; no overflow allowed. */
    static void putAll(RunQueue q, List<Long> ids) {
        for (long id : ids) {
            q.put(g(id), false, NO_OVERFLOW);
        }
    }

    // ---------------------------------------------------------------- put / get

    @Test
    void emptyQueue() {
        RunQueue q = new RunQueue();
        assertTrue(q.isEmpty());
        assertEquals(0, q.size());
        assertNull(q.get());
        List<G> out = new ArrayList<>();
        q.drainTo(out);
        assertTrue(out.isEmpty());
    }

    @Test
    void putGetIsFifo() {
        RunQueue q = new RunQueue();
        putAll(q, range(0, 10));
        assertEquals(10, q.size());
        assertFalse(q.isEmpty());
        for (long i = 0; i < 10; i++) {
            RunQueue.Next n = q.get();
            assertNotNull(n, "get " + i);
            assertEquals(i, n.g().id);
            assertFalse(n.inheritTime(), "a G from the ring does not inherit the time slice");
            assertEquals(9 - i, q.size());
        }
        assertNull(q.get());
        assertTrue(q.isEmpty());
    }

    @Test
    void getReturnsTheSameObjectThatWasPut() {
        RunQueue q = new RunQueue();
        G a = g(1);
        G b = g(2);
        q.put(a, false, NO_OVERFLOW);
        q.put(b, true, NO_OVERFLOW);
        assertSame(b, q.get().g());
        assertSame(a, q.get().g());
    }

    /** Interleaved put/get far beyond SIZE, so head and tail wrap around the ring many times. */
    @Test
    void fifoAcrossManyRingWraps() {
        RunQueue q = new RunQueue();
        long nextPut = 0;
        long nextGet = 0;
        for (int round = 0; round < 50; round++) {
            int puts = Math.min(1 + (round * 37) % 200, RunQueue.SIZE - (int) (nextPut - nextGet));
            for (int i = 0; i < puts; i++) {
                q.put(g(nextPut++), false, NO_OVERFLOW);
            }
            assertEquals(nextPut - nextGet, q.size());
            int gets = 1 + (round * 53) % Math.max(1, (int) (nextPut - nextGet));
            for (int i = 0; i < gets; i++) {
                assertEquals(nextGet++, q.get().g().id);
            }
        }
        assertEquals(range(nextGet, nextPut), getAll(q));
        assertTrue(nextPut > 10 * RunQueue.SIZE);
    }

    // ---------------------------------------------------------------- runnext

    @Test
    void putNextGoesToRunNextAndGetTakesItFirst() {
        RunQueue q = new RunQueue();
        q.put(g(1), false, NO_OVERFLOW);
        q.put(g(2), false, NO_OVERFLOW);
        q.put(g(3), true, NO_OVERFLOW);
        assertEquals(3, q.runnext.get().id);
        assertEquals(3, q.size());

        RunQueue.Next n = q.get();
        assertEquals(3, n.g().id);
        assertTrue(n.inheritTime(), "the runnext G inherits the time slice");
        assertNull(q.runnext.get());

        n = q.get();
        assertEquals(1, n.g().id);
        assertFalse(n.inheritTime());
        assertEquals(2, q.get().g().id);
        assertNull(q.get());
    }

    @Test
    void putNextDisplacesTheOldRunNextToTheTail() {
        RunQueue q = new RunQueue();
        q.put(g(1), false, NO_OVERFLOW);
        q.put(g(10), true, NO_OVERFLOW); // runnext = 10
        q.put(g(2), false, NO_OVERFLOW);
        q.put(g(11), true, NO_OVERFLOW); // runnext = 11, 10 goes to the tail, after 2
        q.put(g(12), true, NO_OVERFLOW); // runnext = 12, 11 goes to the tail
        assertEquals(12, q.runnext.get().id);
        assertEquals(5, q.size());
        assertEquals(List.of(12L, 1L, 2L, 10L, 11L), getAll(q));
    }

    @Test
    void putNextIntoEmptyQueueLeavesTheRingEmpty() {
        RunQueue q = new RunQueue();
        q.put(g(7), true, NO_OVERFLOW);
        assertFalse(q.isEmpty(), "runnext alone makes the queue non-empty");
        assertEquals(1, q.size());
        RunQueue.Next n = q.get();
        assertEquals(7, n.g().id);
        assertTrue(n.inheritTime());
        assertTrue(q.isEmpty());
        assertNull(q.get());
    }

    // ---------------------------------------------------------------- overflow

    @Test
    void fullRingDoesNotOverflow() {
        RunQueue q = new RunQueue();
        putAll(q, range(0, RunQueue.SIZE));
        assertEquals(RunQueue.SIZE, q.size());
        assertEquals(range(0, RunQueue.SIZE), getAll(q));
    }

    @Test
    void overflowMovesHalfPlusTheNewGInFifoOrder() {
        RunQueue q = new RunQueue();
        putAll(q, range(0, RunQueue.SIZE));
        assertTrue(overflows.isEmpty());

        q.put(g(RunQueue.SIZE), false, overflow);

        assertEquals(1, overflows.size(), "exactly one overflow batch");
        List<Long> expected = new ArrayList<>(range(0, RunQueue.SIZE / 2));
        expected.add((long) RunQueue.SIZE);
        assertEquals(expected, ids(overflows.get(0)));
        assertEquals(RunQueue.SIZE / 2, q.size());
        assertEquals(range(RunQueue.SIZE / 2, RunQueue.SIZE), getAll(q));
    }

    @Test
    void overflowAfterTheRingHasWrapped() {
        RunQueue q = new RunQueue();
        // Move head and tail to the middle of the ring first.
        putAll(q, range(-100, 0));
        for (long i = -100; i < 0; i++) {
            assertEquals(i, q.get().g().id);
        }
        putAll(q, range(0, RunQueue.SIZE));
        q.put(g(1000), false, overflow);
        List<Long> expected = new ArrayList<>(range(0, 128));
        expected.add(1000L);
        assertEquals(List.of(expected), overflows.stream().map(RunQueueTest::ids).toList());
        // The queue keeps working after the overflow: 128 left, room for 128 more.
        putAll(q, range(2000, 2128));
        List<Long> rest = new ArrayList<>(range(128, 256));
        rest.addAll(range(2000, 2128));
        assertEquals(rest, getAll(q));
    }

    @Test
    void putNextOnAFullRingOverflowsWithTheDisplacedG() {
        RunQueue q = new RunQueue();
        putAll(q, range(0, RunQueue.SIZE));
        q.put(g(500), true, NO_OVERFLOW); // into empty runnext: no overflow
        assertEquals(RunQueue.SIZE + 1, q.size());

        q.put(g(501), true, overflow); // displaces 500 to the full ring: overflow
        assertEquals(1, overflows.size());
        List<Long> expected = new ArrayList<>(range(0, 128));
        expected.add(500L);
        assertEquals(expected, ids(overflows.get(0)));
        assertEquals(501, q.runnext.get().id);

        List<Long> rest = new ArrayList<>();
        rest.add(501L);
        rest.addAll(range(128, 256));
        assertEquals(rest, getAll(q));
    }

    @Test
    void noOverflowOnceAConsumerMadeRoom() {
        RunQueue q = new RunQueue();
        putAll(q, range(0, RunQueue.SIZE));
        assertEquals(0, q.get().g().id);
        q.put(g(RunQueue.SIZE), false, NO_OVERFLOW);
        assertEquals(RunQueue.SIZE, q.size());
        assertEquals(range(1, RunQueue.SIZE + 1), getAll(q));
    }

    @Test
    void repeatedOverflowsLoseNothing() {
        RunQueue q = new RunQueue();
        int total = 5_000;
        for (long i = 0; i < total; i++) {
            q.put(g(i), false, overflow);
        }
        List<Long> seen = new ArrayList<>();
        for (List<G> batch : overflows) {
            assertEquals(RunQueue.SIZE / 2 + 1, batch.size());
            seen.addAll(ids(batch));
        }
        seen.addAll(getAll(q));
        assertEquals(total, seen.size());
        assertEquals(range(0, total), seen.stream().sorted().toList());
    }

    // ---------------------------------------------------------------- steal

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 3, 4, 5, 7, 10, 127, 128, 129, 255, 256 })
    void stealTakesHalfRoundedUpFromTheHead(int n) {
        RunQueue victim = new RunQueue();
        RunQueue thief = new RunQueue();
        putAll(victim, range(0, n));
        int k = n - n / 2;

        G stolen = thief.steal(victim, false, false);

        assertNotNull(stolen);
        assertEquals(k - 1, stolen.id, "steal returns the last G it grabbed");
        assertEquals(k - 1, thief.size(), "the other grabbed Gs stay in the thief's ring");
        assertEquals(n - k, victim.size());
        assertEquals(range(0, k - 1), getAll(thief));
        assertEquals(range(k, n), getAll(victim));
    }

    @Test
    void stealFromEmptyQueueReturnsNull() {
        RunQueue victim = new RunQueue();
        RunQueue thief = new RunQueue();
        assertNull(thief.steal(victim, false, false));
        assertNull(thief.steal(victim, true, false));
        assertNull(thief.steal(victim, true, true));
        assertTrue(thief.isEmpty());
        assertTrue(victim.isEmpty());
    }

    @Test
    void stealAppendsAfterTheThiefsOwnGs() {
        RunQueue victim = new RunQueue();
        RunQueue thief = new RunQueue();
        putAll(thief, range(100, 103));
        putAll(victim, range(0, 9)); // k = 5: 0..3 to the ring, 4 returned
        G stolen = thief.steal(victim, false, false);
        assertEquals(4, stolen.id);
        assertEquals(List.of(100L, 101L, 102L, 0L, 1L, 2L, 3L), getAll(thief));
        assertEquals(range(5, 9), getAll(victim));
    }

    @Test
    void stealIntoAWrappedThiefRing() {
        RunQueue victim = new RunQueue();
        RunQueue thief = new RunQueue();
        // thief's head and tail at 250: the stolen Gs wrap around the end of its ring.
        putAll(thief, range(0, 250));
        for (int i = 0; i < 250; i++) {
            thief.get();
        }
        putAll(victim, range(1000, 1020)); // k = 10
        G stolen = thief.steal(victim, false, false);
        assertEquals(1009, stolen.id);
        assertEquals(range(1000, 1009), getAll(thief));
        assertEquals(range(1010, 1020), getAll(victim));
    }

    @Test
    void repeatedStealsHalveTheVictim() {
        RunQueue victim = new RunQueue();
        putAll(victim, range(0, 200));
        List<Long> taken = new ArrayList<>();
        int remaining = 200;
        while (remaining > 0) {
            RunQueue thief = new RunQueue();
            G stolen = thief.steal(victim, false, false);
            int k = remaining - remaining / 2;
            List<Long> got = new ArrayList<>(getAll(thief));
            got.add(stolen.id);
            assertEquals(k, got.size());
            taken.addAll(got);
            remaining -= k;
            assertEquals(remaining, victim.size());
        }
        assertEquals(range(0, 200), taken);
        assertTrue(victim.isEmpty());
    }

    @Test
    void runNextIsNotStolenWithoutStealRunNext() {
        RunQueue victim = new RunQueue();
        RunQueue thief = new RunQueue();
        victim.put(g(42), true, NO_OVERFLOW);
        assertNull(thief.steal(victim, false, false));
        assertNull(thief.steal(victim, false, true));
        assertEquals(42, victim.runnext.get().id);
        assertTrue(thief.isEmpty());
    }

    @Test
    void runNextIsStolenWhenAllowedAndTheRingIsEmpty() {
        RunQueue victim = new RunQueue();
        RunQueue thief = new RunQueue();
        victim.put(g(42), true, NO_OVERFLOW);
        G stolen = thief.steal(victim, true, false);
        assertNotNull(stolen);
        assertEquals(42, stolen.id);
        assertNull(victim.runnext.get());
        assertTrue(victim.isEmpty());
        assertTrue(thief.isEmpty(), "a stolen runnext is returned, not queued");
    }

    @Test
    void runNextIsStolenFromARunningVictimAfterTheBackoff() {
        RunQueue victim = new RunQueue();
        RunQueue thief = new RunQueue();
        victim.put(g(42), true, NO_OVERFLOW);
        long start = System.nanoTime();
        G stolen = thief.steal(victim, true, true);
        long elapsed = System.nanoTime() - start;
        assertEquals(42, stolen.id);
        assertTrue(elapsed >= 3_000, "a thief backs off ~3 µs before taking a running victim's runnext: " + elapsed);
        assertTrue(victim.isEmpty());
    }

    @Test
    void runNextIsNotStolenWhileTheRingHasGs() {
        RunQueue victim = new RunQueue();
        RunQueue thief = new RunQueue();
        victim.put(g(1), false, NO_OVERFLOW);
        victim.put(g(42), true, NO_OVERFLOW);
        G stolen = thief.steal(victim, true, false);
        assertEquals(1, stolen.id, "the ring is taken first");
        assertEquals(42, victim.runnext.get().id);
        // Now the ring is empty: the next steal takes runnext.
        assertEquals(42, thief.steal(victim, true, false).id);
        assertTrue(victim.isEmpty());
    }

    @Test
    void grabIntoABatchAtAnOffset() {
        RunQueue victim = new RunQueue();
        putAll(victim, range(0, 6));
        var batch = new java.util.concurrent.atomic.AtomicReferenceArray<G>(RunQueue.SIZE);
        int n = victim.grab(batch, 254, false, false); // wraps around the end of the batch array
        assertEquals(3, n);
        assertEquals(0, batch.get(254).id);
        assertEquals(1, batch.get(255).id);
        assertEquals(2, batch.get(0).id);
        assertNull(batch.get(1));
        assertEquals(range(3, 6), getAll(victim));
    }

    // ---------------------------------------------------------------- isEmpty / size / drainTo

    @Test
    void sizeAndIsEmptyCountRunNext() {
        RunQueue q = new RunQueue();
        q.put(g(1), true, NO_OVERFLOW);
        assertEquals(1, q.size());
        q.put(g(2), false, NO_OVERFLOW);
        assertEquals(2, q.size());
        q.put(g(3), true, NO_OVERFLOW);
        assertEquals(3, q.size());
        assertFalse(q.isEmpty());
        q.get();
        assertEquals(2, q.size());
        q.get();
        q.get();
        assertEquals(0, q.size());
        assertTrue(q.isEmpty());
    }

    @Test
    void drainToTakesRunNextFirstThenTheRingInOrder() {
        RunQueue q = new RunQueue();
        putAll(q, range(0, 5));
        q.put(g(99), true, NO_OVERFLOW);
        List<G> out = new ArrayList<>();
        out.add(g(-1)); // drainTo appends
        q.drainTo(out);
        assertEquals(List.of(-1L, 99L, 0L, 1L, 2L, 3L, 4L), ids(out));
        assertTrue(q.isEmpty());
        assertEquals(0, q.size());
        assertNull(q.get());
    }

    @Test
    void drainToAFullQueue() {
        RunQueue q = new RunQueue();
        putAll(q, range(0, RunQueue.SIZE));
        q.put(g(-5), true, NO_OVERFLOW);
        List<G> out = new ArrayList<>();
        q.drainTo(out);
        List<Long> expected = new ArrayList<>();
        expected.add(-5L);
        expected.addAll(range(0, RunQueue.SIZE));
        assertEquals(expected, ids(out));
        assertTrue(q.isEmpty());
    }

    // ---------------------------------------------------------------- int wrap-around of head and tail

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(RunQueue.class, MethodHandles.lookup());
            HEAD = l.findVarHandle(RunQueue.class, "head", int.class);
            TAIL = l.findVarHandle(RunQueue.class, "tail", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A fresh queue whose head and tail both sit at {@code index} (as if that many Gs had passed through). */
    static RunQueue queueAt(int index) {
        RunQueue q = new RunQueue();
        HEAD.setVolatile(q, index);
        TAIL.setVolatile(q, index);
        return q;
    }

    @Test
    void headAndTailOverflowingIntIsHarmless() {
        RunQueue q = queueAt(Integer.MAX_VALUE - 100);
        putAll(q, range(0, RunQueue.SIZE)); // tail crosses Integer.MAX_VALUE
        assertEquals(RunQueue.SIZE, q.size());
        assertFalse(q.isEmpty());
        q.put(g(RunQueue.SIZE), false, overflow);
        List<Long> expected = new ArrayList<>(range(0, 128));
        expected.add((long) RunQueue.SIZE);
        assertEquals(List.of(expected), overflows.stream().map(RunQueueTest::ids).toList());

        RunQueue thief = queueAt(Integer.MIN_VALUE + 5);
        G stolen = thief.steal(q, false, false); // 128 left in q: takes 64
        assertEquals(128 + 63, stolen.id);
        assertEquals(range(128, 128 + 63), getAll(thief));
        assertEquals(range(192, 256), getAll(q));
    }

    @Test
    void fifoAndStealAcrossTheIntBoundary() {
        RunQueue q = queueAt(Integer.MAX_VALUE - 3);
        putAll(q, range(0, 10)); // tail wraps to negative
        assertEquals(10, q.size());
        assertEquals(0, q.get().g().id);
        assertEquals(1, q.get().g().id);
        RunQueue thief = new RunQueue();
        assertEquals(5, thief.steal(q, false, false).id); // 8 left: takes 2..5
        assertEquals(range(2, 5), getAll(thief));
        assertEquals(range(6, 10), getAll(q));
    }
}
