package io.quarkiverse.goroutines;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A select expression (Kotlin's {@code select<R>}): Go's {@code select} whose chosen case produces the result.
 *
 * <pre>{@code
 * SelectOf<String> next = Select.<String> returning()
 *         .receive(results, r -> "got " + r)
 *         .receiveOk(events, (e, ok) -> ok ? "event " + e : "events closed")
 *         .send(out, () -> nextPing(), () -> "sent")
 *         .timeout(Duration.ofMillis(200), () -> "timed out");
 * String outcome = next.run();
 * }</pre>
 *
 * <h2>Semantics</h2>
 * <ul>
 * <li>On each {@link #run()}, every send case's value supplier is called once, in the order the cases were added,
 * before any channel is locked (Go evaluates the send expressions on entering the select). A supplier that returns
 * null makes the run throw {@link NullPointerException}.</li>
 * <li>If one or more cases can proceed, one of them is chosen uniformly at random (Go's fairness): no case starves
 * another.</li>
 * <li>Otherwise, with {@link #orDefault}, the default runs at once (a non-blocking select). A select with a default
 * never blocks and never times out.</li>
 * <li>Otherwise the select blocks until a case can proceed, or until the {@link #timeout} elapses (then the timeout's
 * function runs). Go writes the timeout as {@code case <-time.After(d)}; {@code .receive(Go.after(d), ...)} does the
 * same here, and {@link #timeout} does it without a timer.</li>
 * <li>A case on a {@code null} channel is never ready (Go's nil channel), so it can be switched off by passing null.
 * A select with no channel case, no default and no timeout blocks forever (until interrupted or cancelled).</li>
 * <li>A receive case on a closed channel is ready and gets {@code null} ({@code ok == false} with
 * {@link #receiveOk}). A send case on a closed channel, if chosen, throws {@link ChanClosedException}.</li>
 * <li>Interrupts and cancellation: as for {@link Chan}: a blocked select that is interrupted, or whose goroutine's
 * {@link Group} is cancelled, withdraws from every channel and throws
 * {@link java.util.concurrent.CancellationException}.</li>
 * </ul>
 * The chosen case's function runs on the calling thread after every channel is unlocked, so it may use channels
 * freely. A select may be {@linkplain #run() run} again and again (e.g. in a loop), and by several threads at once
 * once it is built and handed to them safely (a final field, a channel, a thread start): a run keeps its state in
 * locals. Building (adding cases) is not thread-safe and must not overlap a run.
 *
 * <h2>Implementation notes</h2>
 * As Go's {@code runtime/select.go} ({@code selectgo}): the channels are locked in one global order (by
 * {@link Chan#id}, skipping repeats), so two selects cannot deadlock. Then the cases are polled in a random order
 * ({@code pollorder}) and the first that can proceed wins. If none can, a {@link Waiter} is queued on every channel,
 * all sharing one {@link Parking}, the channels are unlocked and the thread parks (handing its P off). The peer that
 * wins the parking's claim completes that case; on waking, the select locks the channels again and takes its other
 * waiters off their queues.
 *
 * @param <R> what the chosen case produces
 */
public final class SelectOf<R> {
    /** A receive function that also gets {@code ok}, false once the channel is closed and drained. */
    @FunctionalInterface
    public interface OkFunction<T, R> {
        R apply(T value, boolean ok);
    }

    /** Cases in the order they were added; only the building thread writes it. */
    private final List<Case<R>> cases = new ArrayList<>();
    private Supplier<? extends R> onDefault;
    private Duration timeout;
    private Supplier<? extends R> onTimeout;
    /**
     * The cases with a channel and the channels in lock order, computed by the first run after a case was added and
     * cleared by building. Volatile, and the plan immutable, so that runs on several threads at once each see a whole
     * plan; a run reads it once.
     */
    private volatile Plan<R> plan;

    SelectOf() {
    }

    /** A receive case: {@code f} gets the value, or {@code null} if the channel is closed and drained. */
    public <T> SelectOf<R> receive(Chan<T> ch, Function<? super T, ? extends R> f) {
        Objects.requireNonNull(f, "function");
        return receiveOk(ch, (v, ok) -> f.apply(v));
    }

    /** A receive case whose function also gets {@code ok} (false when the channel is closed and drained). */
    @SuppressWarnings("unchecked")
    public <T> SelectOf<R> receiveOk(Chan<T> ch, OkFunction<? super T, ? extends R> f) {
        Objects.requireNonNull(f, "function");
        return add(new Case<>(ch, null, (v, ok) -> f.apply((T) v, ok)));
    }

    /**
     * A send case: sends the value {@code value} supplies, called on each run, then {@code then} produces the result.
     * A fixed value is {@code () -> v}. (There is no overload taking the value itself: with a lambda argument Java
     * could not tell the two apart.)
     */
    public <T> SelectOf<R> send(Chan<T> ch, Supplier<? extends T> value, Supplier<? extends R> then) {
        Objects.requireNonNull(value, "value supplier");
        return addSend(ch, value, then);
    }

    private SelectOf<R> addSend(Chan<?> ch, Supplier<?> value, Supplier<? extends R> then) {
        Objects.requireNonNull(then, "function");
        return add(new Case<>(ch, value, (v, ok) -> then.get()));
    }

    /** What to produce when no case is ready: makes the select non-blocking. */
    public SelectOf<R> orDefault(Supplier<? extends R> f) {
        this.onDefault = Objects.requireNonNull(f, "function");
        return this;
    }

    /** Gives up after {@code d} (counted from each {@link #run()}) and produces {@code f}'s result. */
    public SelectOf<R> timeout(Duration d, Supplier<? extends R> f) {
        this.timeout = Objects.requireNonNull(d, "timeout");
        this.onTimeout = Objects.requireNonNull(f, "function");
        return this;
    }

    private SelectOf<R> add(Case<R> c) {
        cases.add(c);
        plan = null;
        return this;
    }

    /**
     * Runs the select: waits for a case, performs it and returns what its function produces (or the default's or the
     * timeout's).
     *
     * @throws ChanClosedException if the chosen case is a send on a closed channel
     * @throws java.util.concurrent.CancellationException if interrupted or cancelled while blocked
     */
    public R run() {
        long deadline = timeout == null ? 0 : System.nanoTime() + Math.max(0, timeout.toNanos());
        Plan<R> plan = this.plan;
        if (plan == null) {
            plan = new Plan<>(cases);
            this.plan = plan;
        }
        Chan<?>[] lockorder = plan.lockorder;
        Case<R>[] pollorder = plan.active.clone();
        Object[] values = sendValues(plan.active, pollorder);
        shuffle(pollorder, values);

        Waiter result = new Waiter(null, -1, null);
        Case<R> chosen = null;
        Waiter peer = null;
        Parking parking = null;
        Waiter[] waiters = null;
        lockAll(lockorder);
        try {
            // Pass 1: the first case, in random order, that can proceed now.
            for (int i = 0; i < pollorder.length; i++) {
                Case<R> c = pollorder[i];
                if (c.isSend()) {
                    c.chan.checkOpen();
                    peer = c.chan.sendLocked(values[i]);
                } else {
                    peer = c.chan.recvLocked(result);
                }
                if (peer != null) {
                    chosen = c;
                    break;
                }
            }
            // Pass 2: nothing ready and we may block: queue a waiter on every channel.
            if (chosen == null && onDefault == null && (timeout == null || System.nanoTime() < deadline)) {
                parking = new Parking();
                waiters = enqueue(pollorder, values, parking);
            }
        } finally {
            unlockAll(lockorder);
        }
        if (chosen != null) {
            Waiter.wake(peer);
            return chosen.complete(result.elem, result.success);
        }
        if (parking == null) {
            return onDefault != null ? onDefault.get() : onTimeout.get();
        }

        int outcome = parking.await(timeout != null, deadline);

        Waiter winner = outcome == Parking.FIRED ? parking.winner() : null;
        dequeueLosers(pollorder, waiters, winner, lockorder);
        if (outcome != Parking.FIRED && outcome != Parking.TIMED_OUT) {
            throw parking.gaveUp(outcome, "Select.run");
        }
        if (outcome == Parking.TIMED_OUT) {
            return onTimeout.get();
        }
        Case<R> c = pollorder[winner.index];
        if (c.isSend() && !winner.success) {
            throw new ChanClosedException("send on closed channel (closed while the select waited)");
        }
        return c.complete(winner.elem, winner.success);
    }

    /**
     * Calls the send cases' suppliers in the order the cases were added; the result is indexed as {@code pollorder}
     * (a copy of {@code active}, not yet shuffled).
     */
    private static <R> Object[] sendValues(Case<R>[] active, Case<R>[] pollorder) {
        Object[] values = new Object[pollorder.length];
        for (int i = 0; i < active.length; i++) {
            if (active[i].isSend()) {
                Object v = active[i].value.get();
                Chan.checkValue(v);
                values[i] = v;
            }
        }
        return values;
    }

    /**
     * Pass 3: takes the waiters that did not win off their queues (the winner's peer took it off its own); a waiter
     * that a peer dropped after losing the claim is no longer queued.
     */
    private static <R> void dequeueLosers(Case<R>[] pollorder, Waiter[] waiters, Waiter winner,
            Chan<?>[] lockorder) {
        if (waiters.length == (winner == null ? 0 : 1)) {
            return; // nothing left behind: no need to lock again
        }
        lockAll(lockorder);
        try {
            for (int i = 0; i < waiters.length; i++) {
                if (waiters[i] != winner) {
                    Case<R> c = pollorder[i];
                    (c.isSend() ? c.chan.sendq : c.chan.recvq).remove(waiters[i]);
                }
            }
        } finally {
            unlockAll(lockorder);
        }
    }

    /** Queues one waiter per case, all sharing {@code parking}; waiter {@code i} stands for {@code cases[i]}. */
    private static <R> Waiter[] enqueue(Case<R>[] cases, Object[] values, Parking parking) {
        Waiter[] waiters = new Waiter[cases.length];
        for (int i = 0; i < cases.length; i++) {
            Case<R> c = cases[i];
            Waiter w = new Waiter(c.chan, i, parking);
            if (c.isSend()) {
                w.elem = values[i];
                c.chan.sendq.enqueue(w);
            } else {
                c.chan.recvq.enqueue(w);
            }
            waiters[i] = w;
        }
        return waiters;
    }

    /** Shuffles the cases and their send values alike. */
    private static <R> void shuffle(Case<R>[] a, Object[] values) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            Case<R> t = a[i];
            a[i] = a[j];
            a[j] = t;
            Object v = values[i];
            values[i] = values[j];
            values[j] = v;
        }
    }

    private static void lockAll(Chan<?>[] lockorder) {
        for (Chan<?> c : lockorder) {
            c.lock.lock();
        }
    }

    private static void unlockAll(Chan<?>[] lockorder) {
        for (int i = lockorder.length - 1; i >= 0; i--) {
            lockorder[i].lock.unlock();
        }
    }

    /** The cases with a channel, and their channels in lock order (by {@link Chan#id}, without repeats). */
    private static final class Plan<R> {
        final Case<R>[] active;
        final Chan<?>[] lockorder;

        @SuppressWarnings("unchecked")
        Plan(List<Case<R>> cases) {
            active = cases.stream().filter(c -> c.chan != null).toArray(Case[]::new);
            lockorder = Arrays.stream(active).map(c -> c.chan).distinct()
                    .sorted(Comparator.comparingLong(ch -> ch.id)).toArray(Chan<?>[]::new);
        }
    }

    /**
     * One case, immutable: a receive (no {@code value}) or a send (its value supplier); {@code then} produces the
     * result from what was received (a send's gets {@code null, true}).
     */
    private record Case<R>(Chan<?> chan, Supplier<?> value, OkFunction<Object, ? extends R> then) {
        boolean isSend() {
            return value != null;
        }

        R complete(Object elem, boolean ok) {
            return then.apply(elem, ok);
        }
    }
}
