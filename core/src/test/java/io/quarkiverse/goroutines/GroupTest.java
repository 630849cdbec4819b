package io.quarkiverse.goroutines;

import static io.quarkiverse.goroutines.Env.await;
import static io.quarkiverse.goroutines.Env.awaitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkiverse.goroutines.scheduler.SchedulerConfig;
import io.quarkiverse.goroutines.scheduler.SchedulerMode;

/**
 * Groups: results, first failure, deadlines, nesting, close, and cancellation reaching a goroutine at every blocking
 * point, in both scheduler modes. Each test runs in a scheduler of its own and checks at the end that no goroutine
 * and no thread of it is left.
 */
@Timeout(120)
class GroupTest {
    /** How late a cancelled goroutine may end and still pass; the numbers printed are typically well below 5 ms. */
    static final long SLACK_MS = 1_000;
    static final AtomicInteger SCHEDULERS = new AtomicInteger();

    static Stream<SchedulerMode> modes() {
        return Stream.of(SchedulerMode.PLATFORM, SchedulerMode.VIRTUAL);
    }

    /** Where a goroutine blocks until its group is cancelled. */
    enum Point {
        RECEIVE(release -> Chan.make().receive()),
        SEND(release -> Chan.<String> make().send("x")),
        SELECT(release -> Select.select().receive(Chan.make(), v -> {
        }).send(Chan.<String> make(), () -> "x", () -> {
        }).run()),
        WAIT_GROUP(release -> {
            WaitGroup wg = new WaitGroup();
            wg.add(1);
            wg.await();
        }),
        SLEEP(release -> Go.sleep(Duration.ofMinutes(5))),
        /** The call itself waits for the cancellation; the G must then throw rather than go on. */
        SYSCALL(release -> Go.syscall(() -> await(release))),
        /** A child group's await, whose own goroutine blocks on a receive. */
        CHILD_GROUP(release -> {
            try (Group<Object> child = Go.group()) {
                child.go(() -> Chan.make().receive());
                child.await();
            }
        });

        final Blocker blocker;

        Point(Blocker blocker) {
            this.blocker = blocker;
        }
    }

    @FunctionalInterface
    interface Blocker {
        void block(CountDownLatch release) throws Exception;
    }

    static Stream<Arguments> modesAndPoints() {
        return modes().flatMap(m -> Stream.of(Point.values()).map(p -> Arguments.of(m, p)));
    }

    /**
     * A goroutine blocks at {@code point}; another of its group fails. The blocked one must end with a
     * CancellationException within {@link #SLACK_MS} of the failure (printed), and await throws the failure.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("modesAndPoints")
    void theFirstFailureEndsAGoroutineBlockedAt(SchedulerMode mode, Point point) throws Exception {
        try (Env.Gs env = start(mode)) {
            env.run(() -> {
                AtomicReference<Thread> blockedThread = new AtomicReference<>();
                AtomicLong endedAt = new AtomicLong();
                AtomicReference<Throwable> ending = new AtomicReference<>();
                AtomicLong failedAt = new AtomicLong();
                CountDownLatch release = new CountDownLatch(1);
                CountDownLatch fail = new CountDownLatch(1);
                IllegalStateException boom = new IllegalStateException("boom");
                try (Group<Object> g = Go.group()) {
                    g.onCancel(release::countDown);
                    g.go(() -> {
                        blockedThread.set(Thread.currentThread());
                        try {
                            point.blocker.block(release);
                            ending.set(new AssertionError("returned normally from " + point));
                        } catch (Throwable t) {
                            ending.set(t);
                            throw t;
                        } finally {
                            endedAt.set(System.nanoTime());
                        }
                        return null;
                    });
                    g.go(() -> {
                        await(fail);
                        failedAt.set(System.nanoTime());
                        throw boom;
                    });
                    awaitUntil("the goroutine blocks at " + point, () -> isParked(blockedThread.get()));
                    fail.countDown();
                    assertSame(boom, assertThrows(IllegalStateException.class, g::await));
                    assertEquals(Optional.of(Group.Cause.FAILURE), g.cause());
                }
                assertTrue(ending.get() instanceof CancellationException, point + " ended with " + ending.get());
                long micros = (endedAt.get() - failedAt.get()) / 1_000;
                System.out.printf("cancel latency %-8s %-11s %6d µs  (%s)%n", mode, point, micros,
                        ending.get().getMessage());
                assertTrue(micros < SLACK_MS * 1_000, point + " ended " + micros + " µs after the failure");
            });
        }
    }

    /** A deadline cancels a blocked goroutine; await says why. The overshoot past the deadline is printed. */
    @ParameterizedTest
    @MethodSource("modes")
    void aDeadlineCancelsTheGroup(SchedulerMode mode) throws Exception {
        try (Env.Gs env = start(mode)) {
            env.run(() -> {
                long deadlineMs = 50;
                AtomicLong endedAt = new AtomicLong();
                long start = System.nanoTime();
                try (Group<Object> g = Go.group(Duration.ofMillis(deadlineMs))) {
                    assertTrue(g.remaining().orElseThrow().toMillis() <= deadlineMs);
                    g.go(() -> {
                        try {
                            Chan.make().receive();
                        } finally {
                            endedAt.set(System.nanoTime());
                        }
                    });
                    CancellationException e = assertThrows(CancellationException.class, g::await);
                    assertTrue(e.getMessage().contains("deadline of 50 ms exceeded"), e.getMessage());
                    assertEquals(Optional.of(Group.Cause.DEADLINE), g.cause());
                    assertEquals(Duration.ZERO, g.remaining().orElseThrow());
                }
                long overshootMicros = (endedAt.get() - start) / 1_000 - deadlineMs * 1_000;
                System.out.printf("deadline overshoot %-8s %6d µs%n", mode, overshootMicros);
                assertTrue(overshootMicros >= 0, "ended before the deadline");
                assertTrue(overshootMicros < SLACK_MS * 1_000, "ended " + overshootMicros + " µs after the deadline");
            });
        }
    }

    @ParameterizedTest
    @MethodSource("modes")
    void resultsComeInStartOrder(SchedulerMode mode) throws Exception {
        try (Env.Gs env = start(mode)) {
            env.run(() -> {
                try (Group<Integer> g = Go.group()) {
                    for (int i = 0; i < 20; i++) {
                        int v = i;
                        g.go(() -> {
                            Go.sleep(Duration.ofMillis(ThreadLocalRandom.current().nextInt(10)));
                            return v;
                        });
                    }
                    g.go(() -> {
                    }); // a Runnable: null
                    List<Integer> expected = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        expected.add(i);
                    }
                    expected.add(null);
                    assertEquals(expected, g.await());
                    assertTrue(g.cause().isEmpty());
                    assertThrows(IllegalStateException.class, () -> g.go(() -> 1), "an awaited group takes no more");
                }
            });
        }
    }

    /** Leaving the block without await (here by an exception) cancels the goroutines and waits for them to end. */
    @ParameterizedTest
    @MethodSource("modes")
    void closeWithoutAwaitCancelsAndWaits(SchedulerMode mode) throws Exception {
        try (Env.Gs env = start(mode)) {
            env.run(() -> {
                AtomicBoolean ended = new AtomicBoolean();
                AtomicReference<Group<Object>> group = new AtomicReference<>();
                assertThrows(IllegalArgumentException.class, () -> {
                    try (Group<Object> g = Go.group()) {
                        group.set(g);
                        CountDownLatch started = new CountDownLatch(1);
                        g.go(() -> {
                            try {
                                started.countDown();
                                Go.sleep(Duration.ofMinutes(5));
                            } finally {
                                ended.set(true);
                            }
                        });
                        await(started);
                        throw new IllegalArgumentException("the request is bad");
                    }
                });
                assertTrue(ended.get(), "close returned before the group's goroutine ended");
                assertEquals(Optional.of(Group.Cause.CLOSED), group.get().cause());
            });
        }
    }

    /** Cancelling a group cancels the groups its goroutines made, and their goroutines. */
    @ParameterizedTest
    @MethodSource("modes")
    void cancellingAParentCancelsItsChildren(SchedulerMode mode) throws Exception {
        try (Env.Gs env = start(mode)) {
            env.run(() -> {
                AtomicReference<Thread> grandchild = new AtomicReference<>();
                AtomicReference<Throwable> childAwait = new AtomicReference<>();
                AtomicReference<Group<?>> child = new AtomicReference<>();
                try (Group<Object> parent = Go.group()) {
                    parent.go(() -> {
                        try (Group<Object> c = Go.group()) {
                            child.set(c);
                            c.go(() -> {
                                grandchild.set(Thread.currentThread());
                                Chan.make().receive();
                            });
                            c.await();
                        } catch (CancellationException e) {
                            childAwait.set(e);
                            throw e;
                        }
                    });
                    awaitUntil("the child's goroutine blocks", () -> isParked(grandchild.get()));
                    parent.cancel();
                    CancellationException e = assertThrows(CancellationException.class, parent::await);
                    assertEquals("the group was cancelled", e.getMessage());
                }
                assertTrue(childAwait.get() instanceof CancellationException, "child await: " + childAwait.get());
                assertEquals(Optional.of(Group.Cause.CANCELLED), child.get().cause());
            });
        }
    }

    /** A CPU loop never blocks: it sees the cancellation only by asking. */
    @ParameterizedTest
    @MethodSource("modes")
    void aCpuLoopAsksGoCancelled(SchedulerMode mode) throws Exception {
        try (Env.Gs env = start(mode)) {
            env.run(() -> {
                AtomicLong spins = new AtomicLong();
                CountDownLatch spinning = new CountDownLatch(1);
                try (Group<Object> g = Go.group()) {
                    g.go(() -> {
                        assertFalse(Go.cancelled());
                        do {
                            // Count a spin before the test may cancel: the cancel can come before a second look.
                            if (spins.incrementAndGet() == 1) {
                                spinning.countDown();
                            }
                        } while (!Go.cancelled());
                        Go.checkCancelled();
                    });
                    await(spinning);
                    g.cancel();
                    assertThrows(CancellationException.class, g::await);
                }
                assertTrue(spins.get() > 0);
                assertFalse(Go.cancelled(), "the awaiting goroutine belongs to no group");
            });
        }
    }

    /**
     * Many groups, each with goroutines blocked at every point, all cancelled: afterwards only the test's own
     * goroutine is left, and once the scheduler is shut down none of its threads is alive.
     */
    @ParameterizedTest
    @MethodSource("modes")
    void noGoroutineOrThreadIsLeftBehind(SchedulerMode mode) throws Exception {
        String name;
        try (Env.Gs env = start(mode)) {
            name = env.scheduler.name();
            env.run(() -> {
                for (int round = 0; round < 50; round++) {
                    CountDownLatch release = new CountDownLatch(1);
                    try (Group<Object> g = Go.group()) {
                        g.onCancel(release::countDown);
                        for (Point p : Point.values()) {
                            g.go(() -> p.blocker.block(release));
                        }
                        g.go(() -> {
                            throw new IllegalStateException("round " + ThreadLocalRandom.current().nextInt());
                        });
                        assertThrows(IllegalStateException.class, g::await);
                    }
                }
                // await returns once every goroutine has run its last statement; its exit follows a moment later.
                awaitUntil("no goroutine is left besides this one (" + Go.numGoroutine() + ")",
                        () -> Go.numGoroutine() == 1);
            });
        }
        awaitUntil("the threads of " + name + " end", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith(name + "-")));
    }

    /** Dumps find a goroutine's group by its id while it runs as a member, and not after. */
    @ParameterizedTest
    @MethodSource("modes")
    void aGoroutinesGroupIsFoundByItsId(SchedulerMode mode) throws Exception {
        try (Env.Gs env = start(mode)) {
            env.run(() -> {
                AtomicLong gid = new AtomicLong();
                AtomicReference<String> seen = new AtomicReference<>();
                try (Group<Object> g = Go.group(Duration.ofMinutes(1))) {
                    g.go(() -> {
                        gid.set(Go.current().orElseThrow().id());
                        seen.set(Group.ofGoroutine(gid.get()).map(Object::toString).orElse("none"));
                    });
                    g.await();
                    assertTrue(seen.get().matches("group " + g.id() + ", 1 running, deadline in \\d+ ms"), seen.get());
                }
                assertEquals(Optional.empty(), Group.ofGoroutine(gid.get()));
            });
        }
    }

    private static Env.Gs start(SchedulerMode mode) {
        return new Env.Gs(SchedulerConfig.builder().name("group-" + SCHEDULERS.incrementAndGet()).procs(2).mode(mode)
                .build());
    }

    private static boolean isParked(Thread t) {
        if (t == null) {
            return false;
        }
        Thread.State s = t.getState();
        return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
    }
}
