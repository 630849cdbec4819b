package io.quarkiverse.goroutines;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import io.quarkiverse.goroutines.scheduler.Scheduler;

/**
 * Goroutines that fail and are cancelled together (Go's {@code errgroup} with its {@code context.Context}, Kotlin's
 * {@code coroutineScope}).
 *
 * <pre>{@code
 * try (Group<String> g = Go.group(Duration.ofSeconds(2))) {
 *     g.go(() -> fetch("a"));
 *     g.go(() -> fetch("b"));
 *     List<String> both = g.await(); // in start order; the first failure cancels the other
 * }
 * }</pre>
 *
 * <h2>Rules</h2>
 * <ul>
 * <li>{@link #go} starts a goroutine that belongs to the group. {@link #await()} waits until every one has ended,
 * then returns their results in start order, or throws the first failure. The first goroutine that throws cancels
 * the group, so the others stop at their next blocking point.</li>
 * <li>Cancellation reaches a goroutine of the group at its next blocking point: a channel operation, a
 * {@link Select}, {@link WaitGroup#await()}, {@link Go#sleep}, another group's {@link #await()}; each throws
 * {@link CancellationException}, as an interrupt does. {@link Go#syscall} throws it when the call returns. CPU loops
 * ask {@link Go#cancelled()} or call {@link Go#checkCancelled()}. A goroutine that never blocks and never asks is
 * not stopped: Java cannot stop a thread.</li>
 * <li>A group made by a goroutine of another group is its child: cancelling the parent cancels the child (with the
 * parent's cause). A deadline ({@link Go#group(Duration)}) cancels the group, and so its children, when it passes.
 * </li>
 * <li>{@link #close()} without {@link #await()} (a try-with-resources left early, by a return or an exception)
 * cancels the goroutines still running and waits for them: no goroutine outlives its group.</li>
 * <li>Only goroutines started by {@link #go} belong to the group; one started with {@link Go#go} does not.</li>
 * </ul>
 *
 * @param <T> what the goroutines return ({@code null} for a {@link ThrowingRunnable})
 */
public final class Group<T> implements AutoCloseable {
    /** Why a group was cancelled. */
    public enum Cause {
        /** A goroutine of the group threw. */
        FAILURE,
        /** The group's deadline passed. */
        DEADLINE,
        /** {@link #cancel()} was called, or the goroutine waiting in {@link #await()} was interrupted. */
        CANCELLED,
        /** The group was closed before {@link #await()} while goroutines still ran. */
        CLOSED,
        /** The HTTP client of the request the group serves went away. */
        DISCONNECT
    }

    /**
     * A group's cancellation: its cause, a message for the exceptions, and the failure when a goroutine of this group
     * failed (null when the cancellation came from a parent, whatever its cause).
     */
    private record Cancel(Cause cause, String message, Throwable failure) {
    }

    /**
     * The group whose goroutine runs on this thread; set by {@link #runAsMember} for the duration of a task and
     * restored after it (a platform G never leaves its thread; a virtual G is its own thread).
     */
    private static final ThreadLocal<Group<?>> CURRENT = new ThreadLocal<>();
    /** Groups cancelled at their origin (not by a parent), by cause. */
    private static final LongAdder[] CANCELLATIONS = newCounters();
    private static final AtomicLong IDS = new AtomicLong();
    /**
     * The group of each goroutine (by G id) while it runs as a member, for goroutine dumps and the Dev UI; written by
     * {@link #runAsMember} on the goroutine itself.
     */
    private static final Map<Long, Group<?>> BY_GOROUTINE = new ConcurrentHashMap<>();

    /** Names the group in dumps: {@code group 7}. */
    private final long id = IDS.incrementAndGet();
    private final Group<?> parent;
    /** {@link System#nanoTime()} of the deadline; {@link Long#MAX_VALUE} for none (the parent's still applies). */
    private final long deadlineNanos;
    /** Counts the goroutines started and not yet ended. */
    private final WaitGroup running = new WaitGroup();

    private final ReentrantLock lock = new ReentrantLock();
    // Under the lock: results (one slot per started goroutine, written by it), the threads running the group's
    // goroutines (for waking them on cancel), the child groups, whether the group has ended, whether some goroutine
    // failed to finish because of the cancellation, and the deadline timer.
    private final List<T> results = new ArrayList<>();
    private final List<Thread> members = new ArrayList<>();
    private final List<Group<?>> children = new ArrayList<>();
    private final List<Runnable> onCancel = new ArrayList<>();
    private boolean ended;
    private boolean incomplete;
    private ScheduledFuture<?> timer;
    /** Null until the group is cancelled; written once, under the lock, read without it. */
    private volatile Cancel cancel;

    Group(Duration timeout) {
        this.parent = CURRENT.get();
        if (timeout == null) {
            this.deadlineNanos = Long.MAX_VALUE;
        } else {
            long nanos = Math.max(0, timeout.toNanos());
            this.deadlineNanos = System.nanoTime() + nanos;
            // The timer holds the group until it fires or the group ends (which cancels it).
            this.timer = Timers.schedule(() -> cancel(new Cancel(Cause.DEADLINE,
                    "deadline of " + timeout.toMillis() + " ms exceeded", null), true), nanos);
        }
        if (parent != null) {
            parent.adopt(this);
        }
    }

    /** The group of the goroutine running on this thread; null outside any group. */
    static Group<?> current() {
        return CURRENT.get();
    }

    /**
     * Starts {@code task} as a goroutine of the group; its result is {@code null}. What it throws, checked or not, is
     * a failure of the group.
     */
    public void go(ThrowingRunnable task) {
        Objects.requireNonNull(task, "task");
        go(() -> {
            task.run();
            return null;
        });
    }

    /**
     * Starts {@code task} as a goroutine of the group; what it returns takes its place in {@link #await()}'s list. A
     * task started after the group was cancelled does not run.
     *
     * @throws IllegalStateException if the group has ended (awaited or closed)
     */
    public void go(Callable<? extends T> task) {
        Objects.requireNonNull(task, "task");
        int slot;
        lock.lock();
        try {
            if (ended) {
                throw new IllegalStateException("the group has ended: it was awaited or closed");
            }
            slot = results.size();
            results.add(null);
            if (cancel != null) {
                incomplete = true;
                return;
            }
            running.add(1);
        } finally {
            lock.unlock();
        }
        try {
            Go.go(() -> {
                try {
                    runAsMember(() -> {
                        T v = task.call();
                        lock.lock();
                        try {
                            results.set(slot, v);
                        } finally {
                            lock.unlock();
                        }
                    });
                } catch (Throwable e) {
                    failed(e);
                } finally {
                    running.done();
                }
            });
        } catch (RuntimeException e) {
            running.done(); // not started: it will never end by itself
            failed(e);
            throw e;
        }
    }

    /**
     * Runs {@code task} on the calling thread as a goroutine of this group without counting it in {@link #await()}:
     * the group's cancellation reaches it at its blocking points, and groups it makes are children of this one. For
     * integrations that run a request's goroutine inside a group they cancel at a deadline or a disconnect.
     */
    public void runAsMember(ThrowingRunnable task) throws Exception {
        Group<?> outer = CURRENT.get();
        Thread self = Thread.currentThread();
        Scheduler.GoroutineView g = Scheduler.currentG();
        Long gid = g == null ? null : g.id();
        lock.lock();
        try {
            members.add(self);
        } finally {
            lock.unlock();
        }
        CURRENT.set(this);
        if (gid != null) {
            BY_GOROUTINE.put(gid, this);
        }
        try {
            task.run();
        } finally {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
            if (gid != null) {
                if (outer == null) {
                    BY_GOROUTINE.remove(gid);
                } else {
                    BY_GOROUTINE.put(gid, outer);
                }
            }
            lock.lock();
            try {
                members.remove(self);
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Waits until every goroutine of the group has ended.
     *
     * @return the results in the order the goroutines were started ({@code null} for a {@link ThrowingRunnable})
     * @throws RuntimeException the first goroutine's failure, as thrown (a checked exception comes wrapped in a
     *         {@link CompletionException})
     * @throws CancellationException if the group was cancelled (deadline, {@link #cancel()}, parent) and some
     *         goroutine did not finish, or if the waiting goroutine itself was cancelled or interrupted (then the
     *         group is cancelled and waited for first)
     */
    public List<T> await() {
        try {
            running.await();
        } catch (CancellationException e) {
            cancel(new Cancel(Cause.CANCELLED, "the goroutine awaiting the group gave up: " + e.getMessage(), null),
                    true);
            running.awaitUncancellable();
            end();
            throw e;
        }
        end();
        Cancel c = cancel;
        if (c != null && c.failure != null) { // failed here, not cancelled by a parent that failed
            if (c.failure instanceof RuntimeException r) {
                throw r;
            }
            if (c.failure instanceof Error err) {
                throw err;
            }
            throw new CompletionException(c.failure);
        }
        lock.lock();
        try {
            if (c != null && incomplete) {
                throw new CancellationException(c.message);
            }
            return Collections.unmodifiableList(new ArrayList<>(results));
        } finally {
            lock.unlock();
        }
    }

    /** Ends the group: if it was not awaited, cancels the goroutines still running and waits for them. */
    @Override
    public void close() {
        if (running.count() > 0) {
            cancel(new Cancel(Cause.CLOSED, "the group was closed before its goroutines ended", null), true);
            running.awaitUncancellable();
        }
        end();
    }

    /** Cancels the group and its children: their goroutines throw {@link CancellationException} when they block. */
    public void cancel() {
        cancel(Cause.CANCELLED, "the group was cancelled");
    }

    /**
     * Cancels the group and its children for {@code cause}, with {@code message} in the exceptions; no effect if it is
     * already cancelled.
     *
     * @throws IllegalArgumentException for {@link Cause#FAILURE}, which only a failing goroutine sets
     */
    public void cancel(Cause cause, String message) {
        if (cause == Cause.FAILURE) {
            throw new IllegalArgumentException("a group fails only by a goroutine's failure");
        }
        cancel(new Cancel(Objects.requireNonNull(cause, "cause"), Objects.requireNonNull(message, "message"),
                null), true);
    }

    /** Whether the group was cancelled (by any cause). */
    public boolean isCancelled() {
        return cancel != null;
    }

    /** Why the group was cancelled; empty if it was not. */
    public Optional<Cause> cause() {
        Cancel c = cancel;
        return c == null ? Optional.empty() : Optional.of(c.cause);
    }

    /** Why the group was cancelled, in words (as in the exceptions); empty if it was not. */
    public Optional<String> reason() {
        Cancel c = cancel;
        return c == null ? Optional.empty() : Optional.of(c.message);
    }

    /** Time left before this group's or an enclosing group's deadline; empty if none applies. */
    public Optional<Duration> remaining() {
        long deadline = Long.MAX_VALUE;
        for (Group<?> g = this; g != null; g = g.parent) {
            deadline = Math.min(deadline, g.deadlineNanos);
        }
        return deadline == Long.MAX_VALUE ? Optional.empty()
                : Optional.of(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    /**
     * Runs {@code action} once when the group is cancelled (at once, on the caller, if it already is), on the thread
     * that cancels it: it must be quick and must not block.
     */
    public void onCancel(Runnable action) {
        Objects.requireNonNull(action, "action");
        lock.lock();
        try {
            if (cancel == null) {
                onCancel.add(action);
                return;
            }
        } finally {
            lock.unlock();
        }
        action.run();
    }

    /** The group whose goroutine {@code goroutineId} is (see {@link Go#current()}); empty if none. */
    public static Optional<Group<?>> ofGoroutine(long goroutineId) {
        return Optional.ofNullable(BY_GOROUTINE.get(goroutineId));
    }

    /** The group's number, unique in this JVM (as shown by {@link #toString()}). */
    public long id() {
        return id;
    }

    /** Whether a deadline (its own or an enclosing group's) applies. */
    public boolean hasDeadline() {
        return remaining().isPresent();
    }

    /** How many groups were cancelled for {@code cause} in this JVM (a parent's cancellation counts once). */
    public static long cancellations(Cause cause) {
        return CANCELLATIONS[cause.ordinal()].sum();
    }

    /**
     * For dumps: {@code group 7 in group 3, 2 running, deadline in 120 ms}, or {@code ..., cancelled: deadline}.
     */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("group ").append(id);
        if (parent != null) {
            b.append(" in group ").append(parent.id);
        }
        b.append(", ").append(running.count()).append(" running");
        Cancel c = cancel;
        if (c != null) {
            b.append(", cancelled: ").append(c.cause.name().toLowerCase(Locale.ROOT));
        } else {
            remaining().ifPresent(d -> b.append(", deadline in ").append(d.toMillis()).append(" ms"));
        }
        return b.toString();
    }

    /** What a blocking operation of one of the group's goroutines throws once the group is cancelled. */
    CancellationException cancelledWhile(String what) {
        Cancel c = cancel;
        return new CancellationException("cancelled while blocked in " + what + ": " + (c == null ? "?" : c.message));
    }

    /** What {@link Go#checkCancelled()} throws. */
    CancellationException cancelled() {
        return new CancellationException(cancel.message);
    }

    // ---------------------------------------------------------------------------------------------------------

    private void adopt(Group<?> child) {
        Cancel c;
        lock.lock();
        try {
            c = cancel;
            if (c == null) {
                children.add(child);
            }
        } finally {
            lock.unlock();
        }
        if (c != null) {
            child.cancel(c, false);
        }
    }

    /** Records a goroutine's failure: the first one before any cancellation cancels the group. */
    private void failed(Throwable e) {
        if (!cancel(new Cancel(Cause.FAILURE, "a goroutine of the group failed: " + e, e), true)) {
            lock.lock();
            try {
                incomplete = true;
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Cancels the group if it is not yet cancelled: wakes its goroutines (their blocking operations see the
     * cancellation), cancels its children with the same cause and runs the {@link #onCancel} actions.
     *
     * @param origin whether the cancellation starts here (counted) rather than at a parent
     * @return whether this call cancelled the group
     */
    private boolean cancel(Cancel c, boolean origin) {
        List<Thread> wake;
        List<Group<?>> kids;
        List<Runnable> actions;
        lock.lock();
        try {
            if (cancel != null) {
                return false;
            }
            cancel = c;
            wake = new ArrayList<>(members);
            kids = new ArrayList<>(children);
            actions = new ArrayList<>(onCancel);
            onCancel.clear();
        } finally {
            lock.unlock();
        }
        if (origin) {
            CANCELLATIONS[c.cause.ordinal()].increment();
        }
        // Children first: a goroutine of this group that waits in a child's await must find the child cancelled
        // with this cause when it wakes.
        for (Group<?> kid : kids) {
            kid.cancel(new Cancel(c.cause, c.message, null), false);
        }
        // A woken thread that is not parked for this group only sees a spurious wake-up, which every park loop
        // tolerates.
        wake.forEach(LockSupport::unpark);
        actions.forEach(Runnable::run);
        return true;
    }

    /** The group is over: no more {@link #go}, the deadline timer is stopped, the parent forgets it. */
    private void end() {
        ScheduledFuture<?> t;
        lock.lock();
        try {
            ended = true;
            t = timer;
            timer = null;
        } finally {
            lock.unlock();
        }
        if (t != null) {
            t.cancel(false);
        }
        if (parent != null) {
            parent.forget(this);
        }
    }

    private void forget(Group<?> child) {
        lock.lock();
        try {
            children.remove(child);
        } finally {
            lock.unlock();
        }
    }

    private static LongAdder[] newCounters() {
        LongAdder[] a = new LongAdder[Cause.values().length];
        for (int i = 0; i < a.length; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }
}
