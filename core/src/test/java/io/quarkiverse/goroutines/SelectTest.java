package io.quarkiverse.goroutines;

import static io.quarkiverse.goroutines.Env.MODES;
import static io.quarkiverse.goroutines.Env.await;
import static io.quarkiverse.goroutines.Env.awaitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Select behaviour, from plain threads and from goroutines of every {@link Env#modes() mode}. */
@Timeout(60)
class SelectTest {
    static final int RUNS = 10_000;
    static final Runnable NOP = () -> {
    };

    static <T> Consumer<T> ignore() {
        return v -> {
        };
    }

    /**
     * Four always-ready cases (closed channels) over {@value #RUNS} selects: each is expected {@code RUNS/4} = 2,500
     * times with a standard deviation of 43. The bound of ±350 (8 sigma) does not flake, and a select that always
     * took the first ready case (10,000 / 0 / 0 / 0) or a fixed order fails it.
     */
    @ParameterizedTest
    @MethodSource(MODES)
    void readyCasesAreChosenUniformly(Env.Mode mode) throws Exception {
        try (Env env = mode.start()) {
            env.run(() -> {
                int[] counts = new int[4];
                Select s = Select.select();
                for (int i = 0; i < counts.length; i++) {
                    Chan<String> closed = Chan.make();
                    closed.close();
                    int k = i;
                    s.receiveOk(closed, (v, ok) -> {
                        assertFalse(ok);
                        counts[k]++;
                    });
                }
                for (int r = 0; r < RUNS; r++) {
                    s.run();
                }
                for (int c : counts) {
                    assertTrue(Math.abs(c - RUNS / 4) <= 350, "unfair choice: " + Arrays.toString(counts));
                }
            });
        }
    }

    /** A ready send and a ready receive: each expected 5,000 times of 10,000 (sigma 50, bound ±400). */
    @ParameterizedTest
    @MethodSource(MODES)
    void aReadySendAndAReadyReceiveAreChosenEvenly(Env.Mode mode) throws Exception {
        try (Env env = mode.start()) {
            env.run(() -> {
                Chan<Integer> in = Chan.make(1);
                Chan<Integer> out = Chan.make(1);
                int[] counts = new int[2];
                Select s = Select.select()
                        .receive(in, v -> counts[0]++)
                        .send(out, () -> 7, () -> counts[1]++);
                for (int r = 0; r < RUNS; r++) {
                    in.trySend(r); // refill after a receive
                    out.tryReceive(); // make room after a send
                    s.run();
                }
                assertEquals(RUNS, counts[0] + counts[1]);
                assertTrue(Math.abs(counts[0] - RUNS / 2) <= 400, "unfair choice: " + Arrays.toString(counts));
            });
        }
    }

    @ParameterizedTest
    @MethodSource(MODES)
    void defaultRunsOnlyWhenNothingIsReady(Env.Mode mode) throws Exception {
        try (Env env = mode.start()) {
            env.run(() -> {
                Chan<String> a = Chan.make();
                Chan<String> b = Chan.make(1);
                AtomicReference<String> got = new AtomicReference<>();
                Select s = Select.select()
                        .receive(a, got::set)
                        .receive(b, got::set)
                        .orDefault(() -> got.set("default"));
                assertEquals(Select.DEFAULT, s.run());
                assertEquals("default", got.get());
                assertEquals(0, a.blockedReceivers() + b.blockedReceivers(), "a default select never queues");
                b.send("b");
                assertEquals(1, s.run());
                assertEquals("b", got.get());
            });
        }
    }

    @ParameterizedTest
    @MethodSource(MODES)
    void timeoutFiresWhenNothingArrivesAndLeavesNoWaiter(Env.Mode mode) throws Exception {
        try (Env env = mode.start()) {
            env.run(() -> {
                Chan<String> a = Chan.make();
                Chan<String> b = Chan.make();
                AtomicInteger timeouts = new AtomicInteger();
                long start = System.nanoTime();
                int r = Select.select()
                        .receive(a, ignore())
                        .send(b, () -> "x", NOP)
                        .timeout(Duration.ofMillis(30), timeouts::incrementAndGet)
                        .run();
                long waited = System.nanoTime() - start;
                assertEquals(Select.TIMEOUT, r);
                assertEquals(1, timeouts.get());
                assertTrue(waited >= Duration.ofMillis(30).toNanos(), "timed out early: " + waited + " ns");
                assertEquals(0, a.blockedReceivers(), "the timed-out select left its waiters behind");
                assertEquals(0, b.blockedSenders(), "the timed-out select left its waiters behind");
                assertFalse(b.trySend("y") || a.trySend("y"), "nobody waits any more");
            });
        }
    }

    @ParameterizedTest
    @MethodSource(MODES)
    void goAfterAsTheTimeoutCase(Env.Mode mode) throws Exception {
        try (Env env = mode.start()) {
            env.run(() -> {
                Chan<String> never = Chan.make();
                int r = Select.select()
                        .receive(never, ignore())
                        .receive(Go.after(Duration.ofMillis(20)), ignore())
                        .run();
                assertEquals(1, r);
                assertEquals(0, never.blockedReceivers());
            });
        }
    }

    @ParameterizedTest
    @MethodSource(MODES)
    void blockedSelectIsWokenByTheCaseThatBecomesReady(Env.Mode mode) throws Exception {
        try (Env env = mode.start()) {
            Chan<String> a = Chan.make();
            Chan<String> b = Chan.make();
            Chan<String> out = Chan.make();
            AtomicReference<String> got = new AtomicReference<>();
            AtomicInteger chosen = new AtomicInteger(-9);
            CountDownLatch done = new CountDownLatch(1);
            env.go(() -> {
                chosen.set(Select.select()
                        .receive(a, got::set)
                        .receive(b, got::set)
                        .send(out, () -> "sent", () -> got.set("sent"))
                        .run());
                done.countDown();
            });
            awaitUntil("the select waits on all three channels",
                    () -> a.blockedReceivers() == 1 && b.blockedReceivers() == 1 && out.blockedSenders() == 1);
            b.send("from b");
            await(done);
            assertEquals(1, chosen.get());
            assertEquals("from b", got.get());
            assertEquals(0, a.blockedReceivers() + out.blockedSenders(), "the losing waiters were removed");
            assertFalse(a.trySend("x"));
            assertNull(out.tryReceive());
        }
    }

    @ParameterizedTest
    @MethodSource(MODES)
    void blockedSendCaseIsTakenByAReceiver(Env.Mode mode) throws Exception {
        try (Env env = mode.start()) {
            Chan<String> in = Chan.make();
            Chan<String> out = Chan.make();
            AtomicInteger chosen = new AtomicInteger(-9);
            CountDownLatch done = new CountDownLatch(1);
            env.go(() -> {
                chosen.set(Select.select().receive(in, ignore()).send(out, () -> "payload", NOP).run());
                done.countDown();
            });
            awaitUntil("the select waits", () -> out.blockedSenders() == 1);
            assertEquals("payload", out.receive());
            await(done);
            assertEquals(1, chosen.get());
            assertEquals(0, in.blockedReceivers());
        }
    }

    @ParameterizedTest
    @MethodSource(MODES)
    void closeWakesABlockedSelect(Env.Mode mode) throws Exception {
        try (Env env = mode.start()) {
            Chan<String> recvClosed = Chan.make();
            Chan<String> sendClosed = Chan.make();
            Chan<String> idle = Chan.make();
            AtomicReference<Boolean> ok = new AtomicReference<>();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(2);
            env.go(() -> {
                Select.select().receiveOk(recvClosed, (v, k) -> ok.set(k)).receive(idle, ignore()).run();
                done.countDown();
            });
            env.go(() -> {
                thrown.set(assertThrows(ChanClosedException.class,
                        () -> Select.select().send(sendClosed, () -> "x", NOP).receive(idle, ignore()).run()));
                done.countDown();
            });
            awaitUntil("both selects wait", () -> recvClosed.blockedReceivers() == 1
                    && sendClosed.blockedSenders() == 1 && idle.blockedReceivers() == 2);
            recvClosed.close();
            sendClosed.close();
            await(done);
            assertEquals(Boolean.FALSE, ok.get());
            assertTrue(thrown.get().getMessage().contains("closed while the select waited"));
            assertEquals(0, idle.blockedReceivers());
            // A send case on an already closed channel throws when chosen, at once.
            assertThrows(ChanClosedException.class, () -> Select.select().send(sendClosed, () -> "x", NOP).run());
        }
    }

    @ParameterizedTest
    @MethodSource(MODES)
    void nullChannelCasesAreNeverReady(Env.Mode mode) throws Exception {
        try (Env env = mode.start()) {
            env.run(() -> {
                Chan<String> none = null;
                Chan<String> ready = Chan.make(RUNS);
                for (int i = 0; i < 100; i++) {
                    ready.send("v" + i);
                }
                Select s = Select.select()
                        .receive(none, v -> {
                            throw new AssertionError("nil receive case ran");
                        })
                        .send(none, () -> "x", () -> {
                            throw new AssertionError("nil send case ran");
                        })
                        .receive(ready, ignore());
                for (int i = 0; i < 100; i++) {
                    assertEquals(2, s.run());
                }
                assertEquals(Select.DEFAULT, Select.select().receive(none, ignore()).orDefault(NOP).run());
                assertEquals(Select.TIMEOUT,
                        Select.select().receive(none, ignore()).send(none, () -> "x", NOP).timeout(Duration.ofMillis(5), NOP)
                                .run());
            });
        }
    }

    @ParameterizedTest
    @MethodSource(MODES)
    void emptySelectBlocksUntilInterrupted(Env.Mode mode) throws Exception {
        try (Env env = mode.start()) {
            AtomicReference<Thread> blocked = new AtomicReference<>();
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch gaveUp = new CountDownLatch(1);
            env.go(() -> {
                blocked.set(Thread.currentThread());
                started.countDown();
                assertThrows(CancellationException.class, () -> Select.select().run());
                assertTrue(Thread.interrupted());
                gaveUp.countDown();
            });
            await(started);
            assertFalse(gaveUp.await(20, java.util.concurrent.TimeUnit.MILLISECONDS), "an empty select returned");
            blocked.get().interrupt();
            await(gaveUp);
        }
    }

    @Test
    void sendCaseRejectsNull() {
        Chan<String> ch = Chan.make(1);
        assertThrows(NullPointerException.class, () -> Select.select().send(ch, null, NOP));
        assertThrows(NullPointerException.class, () -> Select.select().send(ch, () -> null, NOP).run());
    }

    /**
     * A select built on one thread and run for the first time by two threads at once: both must work. Each trial
     * builds a fresh select (its first run computes the lock order) over two closed channels (always ready) and
     * releases two threads on it together. Before the lock order was published safely, about 2% of the trials threw
     * NullPointerException.
     */
    @Test
    void aPrebuiltSelectRunsFromTwoThreadsAtOnce() throws Exception {
        int trials = 20_000;
        Chan<String> a = Chan.make();
        Chan<String> b = Chan.make();
        a.close();
        b.close();
        AtomicReference<Select> shared = new AtomicReference<>();
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(3);
        java.util.concurrent.CyclicBarrier end = new java.util.concurrent.CyclicBarrier(3);
        Runnable runner = () -> {
            try {
                for (int t = 0; t < trials; t++) {
                    start.await();
                    try {
                        shared.get().run();
                        ran.incrementAndGet();
                    } catch (RuntimeException e) {
                        failed.incrementAndGet();
                        failure.compareAndSet(null, e);
                    }
                    end.await();
                }
            } catch (Exception e) {
                failure.compareAndSet(null, e);
            }
        };
        Thread t1 = new Thread(runner, "select-race-1");
        Thread t2 = new Thread(runner, "select-race-2");
        t1.start();
        t2.start();
        for (int t = 0; t < trials; t++) {
            shared.set(Select.select().receiveOk(a, (v, ok) -> assertFalse(ok)).receiveOk(b, (v, ok) -> assertFalse(ok)));
            start.await();
            end.await();
        }
        t1.join();
        t2.join();
        assertNull(failure.get(), () -> failed.get() + " of " + 2 * trials + " concurrent first runs failed, first: "
                + failure.get());
        assertEquals(2 * trials, ran.get());
    }

    /** A send case's supplier is called on every run: a select built once sends a fresh value each time. */
    @ParameterizedTest
    @MethodSource(MODES)
    void aSendCaseSuppliesItsValueOnEveryRun(Env.Mode mode) throws Exception {
        try (Env env = mode.start()) {
            env.run(() -> {
                Chan<Integer> out = Chan.make(3);
                AtomicInteger next = new AtomicInteger();
                Select s = Select.select().send(out, next::incrementAndGet, NOP);
                for (int i = 0; i < 3; i++) {
                    assertEquals(0, s.run());
                }
                assertEquals(java.util.List.of(1, 2, 3), java.util.List.of(out.receive(), out.receive(), out.receive()));
            });
        }
    }

    /** Send values are supplied before anything is chosen, once per run, even when a receive case wins. */
    @Test
    void sendValuesAreSuppliedOncePerRunInCaseOrder() {
        Chan<String> full = Chan.make(); // nobody receives: the send case can never proceed
        Chan<String> ready = Chan.make(1);
        StringBuilder calls = new StringBuilder();
        SelectOf<String> s = Select.<String> returning()
                .send(full, () -> {
                    calls.append('a');
                    return "x";
                }, () -> "sent")
                .receive(ready, v -> "got " + v)
                .send(full, () -> {
                    calls.append('b');
                    return "y";
                }, () -> "sent");
        ready.send("1");
        assertEquals("got 1", s.run());
        assertEquals("ab", calls.toString());
    }

    @Test
    void aSupplierThatReturnsNullFailsTheRun() {
        Chan<String> ch = Chan.make(1);
        SelectOf<String> s = Select.<String> returning().send(ch, () -> null, () -> "sent");
        assertThrows(NullPointerException.class, s::run);
        assertEquals(0, ch.len());
    }

    /** The expression form returns what the chosen case, the default or the timeout produces. */
    @ParameterizedTest
    @MethodSource(MODES)
    void theExpressionFormReturnsTheChosenCasesResult(Env.Mode mode) throws Exception {
        try (Env env = mode.start()) {
            env.run(() -> {
                Chan<Integer> a = Chan.make(1);
                Chan<String> b = Chan.make(1);
                Chan<String> out = Chan.make(1);
                SelectOf<String> s = Select.<String> returning()
                        .receive(a, v -> "a" + v)
                        .receiveOk(b, (v, ok) -> ok ? "b" + v : "b closed")
                        .timeout(Duration.ofMillis(5), () -> "timeout");
                a.send(7);
                assertEquals("a7", s.run());
                b.send("x");
                assertEquals("bx", s.run());
                assertEquals("timeout", s.run());
                b.close();
                assertEquals("b closed", s.run());
                assertEquals("default", Select.<String> returning().receive(a, v -> "a").orDefault(() -> "default")
                        .run());
                assertEquals("sent", Select.<String> returning().send(out, () -> "v", () -> "sent").run());
                assertEquals("v", out.receive());
            });
        }
    }
}
