package io.quarkiverse.goroutines.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Many threads on one {@link RunQueue}: its owner puts (sometimes into {@code runnext}) and gets, overflowing into a
 * "global queue"; three thieves steal from it (now and then with {@code stealRunNext}, now and then from each other)
 * and run what they stole from their own queues. Every G put must be taken exactly once, by exactly one of: the
 * owner's {@code get}, an overflow batch, a thief's {@code steal} result or a thief's {@code get}.
 * <p>
 * The owner works in phases of 512 operations with a seed-chosen put ratio; in half of them the thieves are "busy"
 * (they rarely steal and run little), so the queue fills up and overflows, in the others they steal eagerly. The owner
 * paces itself ({@link #letThievesRun}) so that the thieves run alongside it even on a machine with few cores; no
 * check depends on timing.
 * <p>
 * The seed drives every random choice (thread scheduling aside); a failure names it.
 */
class RunQueueStressTest {

    static final int SEEDS = 20;
    static final int OWNER_OPS = 500_000;
    static final int THIEVES = 3;
    /** Owner phases: put-heavy ones overflow, get-heavy ones make thieves race for the last Gs. */
    static final int[] PUT_PERCENTS = { 20, 50, 65, 85, 100 };
    static final long PACING_NANOS = 50_000;

    private static final AtomicLong totalOverflowBatches = new AtomicLong();
    private static final AtomicLong totalStolen = new AtomicLong();
    private static final AtomicLong totalPuts = new AtomicLong();

    static LongStream seeds() {
        return LongStream.range(0, SEEDS).map(i -> 0x5EED_0000L + i * 7919);
    }

    @AfterAll
    static void summary() {
        System.out.printf("RunQueueStressTest: %d Gs put, %d stolen by steal(), %d overflow batches%n",
                totalPuts.get(), totalStolen.get(), totalOverflowBatches.get());
        // guards against the test degenerating into one that exercises neither path
        if (totalPuts.get() > 0) {
            assertTrue(totalStolen.get() > 0, "no steal succeeded in any seed");
            assertTrue(totalOverflowBatches.get() > 0, "no overflow in any seed");
        }
    }

    /**
     * Pacing, not synchronisation (correctness never depends on it): gives the thieves a chance to run. Spins until one
     * of them has gone round its loop, for at most {@link #PACING_NANOS}; if none did (they are not on a CPU), yields
     * once. On an idle machine the thieves run in parallel and this returns at once; on an overloaded one its cost is
     * bounded.
     */
    static void letThievesRun(AtomicLongArray thiefRounds) {
        long sum = sum(thiefRounds);
        long deadline = System.nanoTime() + PACING_NANOS;
        do {
            Thread.onSpinWait();
            if (sum(thiefRounds) != sum) {
                return;
            }
        } while (System.nanoTime() < deadline);
        Thread.yield();
    }

    private static long sum(AtomicLongArray a) {
        long sum = 0;
        for (int i = 0; i < a.length(); i++) {
            sum += a.get(i);
        }
        return sum;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyGIsTakenExactlyOnce(long seed) throws Exception {
        SplittableRandom master = new SplittableRandom(seed);
        RunQueue owner = new RunQueue();
        RunQueue[] thiefQueues = new RunQueue[THIEVES];
        for (int i = 0; i < THIEVES; i++) {
            thiefQueues[i] = new RunQueue();
        }
        // Every put allocates a fresh id, so OWNER_OPS bounds the ids.
        AtomicIntegerArray taken = new AtomicIntegerArray(OWNER_OPS);
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicBoolean ownerDone = new AtomicBoolean();
        AtomicLong puts = new AtomicLong();
        AtomicLong overflowBatches = new AtomicLong();
        AtomicLong stolen = new AtomicLong();
        CyclicBarrier start = new CyclicBarrier(1 + THIEVES);
        // loop iterations of each thief, for the owner's pacing
        AtomicLongArray thiefRounds = new AtomicLongArray(THIEVES);
        AtomicBoolean busyThieves = new AtomicBoolean();

        BiConsumer<G, String> take = (g, how) -> {
            if (g == null) {
                failure.compareAndSet(null, how + " returned a null G");
                return;
            }
            int id = (int) g.id;
            if (id < 0 || id >= OWNER_OPS) {
                failure.compareAndSet(null, how + " returned an unknown G" + g.id);
                return;
            }
            int c = taken.incrementAndGet(id);
            if (c != 1) {
                failure.compareAndSet(null, "G" + id + " taken " + c + " times, the last by " + how);
            }
        };

        SplittableRandom ownerRnd = master.split();
        Thread ownerThread = new Thread(() -> {
            try {
                start.await();
                int nextId = 0;
                int putPercent = 50;
                for (int op = 0; op < OWNER_OPS && failure.get() == null; op++) {
                    if ((op & 4095) == 0) {
                        letThievesRun(thiefRounds);
                    }
                    if ((op & 511) == 0) {
                        // phases of put-heavy (overflowing) and get-heavy (stealing from an emptying queue) work
                        putPercent = PUT_PERCENTS[ownerRnd.nextInt(PUT_PERCENTS.length)];
                        // in half the phases the thieves are "busy": they steal and run little, so the queue fills
                        busyThieves.set(ownerRnd.nextBoolean());
                    }
                    if (ownerRnd.nextInt(100) < putPercent) {
                        G g = RunQueueTest.g(nextId++);
                        boolean next = ownerRnd.nextInt(8) == 0;
                        owner.put(g, next, batch -> {
                            overflowBatches.incrementAndGet();
                            if (batch.size() != RunQueue.SIZE / 2 + 1) {
                                failure.compareAndSet(null, "overflow batch of " + batch.size());
                            }
                            for (G b : batch) {
                                take.accept(b, "overflow");
                            }
                        });
                    } else {
                        RunQueue.Next n = owner.get();
                        if (n != null) {
                            take.accept(n.g(), "owner get");
                        }
                    }
                }
                puts.set(nextId);
                RunQueue.Next n;
                while ((n = owner.get()) != null) {
                    take.accept(n.g(), "owner final get");
                }
                if (!owner.isEmpty()) {
                    failure.compareAndSet(null, "owner queue not empty after draining: size " + owner.size());
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, "owner threw " + t);
            } finally {
                ownerDone.set(true);
            }
        }, "runq-owner-" + seed);

        List<Thread> threads = new ArrayList<>();
        threads.add(ownerThread);
        for (int i = 0; i < THIEVES; i++) {
            int self = i;
            SplittableRandom rnd = master.split();
            threads.add(new Thread(() -> {
                RunQueue mine = thiefQueues[self];
                try {
                    start.await();
                    while (!ownerDone.get() && failure.get() == null) {
                        thiefRounds.incrementAndGet(self);
                        // Go steals only into an (almost) empty queue; steal needs room for half a full victim.
                        boolean busy = busyThieves.get();
                        if (mine.size() <= RunQueue.SIZE / 2 && (!busy || rnd.nextInt(256) == 0)) {
                            RunQueue victim = rnd.nextInt(8) == 0 ? thiefQueues[(self + 1 + rnd.nextInt(THIEVES - 1)) % THIEVES]
                                    : owner;
                            if (rnd.nextInt(4) == 0 && victim.isEmpty()) {
                                continue;
                            }
                            boolean stealRunNext = rnd.nextInt(4) == 0;
                            boolean victimRunning = rnd.nextInt(512) == 0;
                            G g = mine.steal(victim, stealRunNext, victimRunning);
                            if (g != null) {
                                stolen.incrementAndGet();
                                take.accept(g, "steal by thief " + self);
                            }
                        }
                        for (int k = busy ? rnd.nextInt(2) : rnd.nextInt(4); k > 0; k--) {
                            RunQueue.Next n = mine.get();
                            if (n == null) {
                                break;
                            }
                            take.accept(n.g(), "get by thief " + self);
                        }
                    }
                    RunQueue.Next n;
                    while ((n = mine.get()) != null) {
                        take.accept(n.g(), "final get by thief " + self);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, "thief " + self + " threw " + t);
                }
            }, "runq-thief-" + i + "-" + seed));
        }

        for (Thread t : threads) {
            t.setDaemon(true);
            t.start();
        }
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
            if (t.isAlive()) {
                failure.compareAndSet(null, t.getName() + " did not finish");
                ownerDone.set(true);
                fail("seed " + seed + ": " + t.getName() + " hung");
            }
        }

        String where = "seed " + seed + ": ";
        if (failure.get() != null) {
            fail(where + failure.get());
        }
        int n = (int) puts.get();
        assertTrue(n > 0, where + "nothing was put");
        for (int id = 0; id < OWNER_OPS; id++) {
            int expected = id < n ? 1 : 0;
            if (taken.get(id) != expected) {
                fail(where + "G" + id + " taken " + taken.get(id) + " times, expected " + expected + " (" + n + " put)");
            }
        }
        for (RunQueue q : thiefQueues) {
            assertTrue(q.isEmpty(), where + "a thief queue is not empty");
        }
        assertTrue(owner.isEmpty(), where + "owner queue is not empty");
        assertEquals(0, owner.size(), where);

        totalPuts.addAndGet(n);
        totalStolen.addAndGet(stolen.get());
        totalOverflowBatches.addAndGet(overflowBatches.get());
        System.out.printf("seed %d: %d put, %d steals, %d overflow batches%n", seed, n, stolen.get(),
                overflowBatches.get());
    }
}
