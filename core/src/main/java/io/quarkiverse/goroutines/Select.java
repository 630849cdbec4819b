package io.quarkiverse.goroutines;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Go's {@code select} statement: waits until one of several channel operations can proceed, does it, and runs that
 * case's action.
 *
 * <pre>{@code
 * Select.select()
 *         .recv(results, r -> System.out.println("got " + r))
 *         .recvOk(events, (e, ok) -> {
 *             if (!ok)
 *                 System.out.println("events closed");
 *         })
 *         .send(out, "ping", () -> System.out.println("sent"))
 *         .timeout(Duration.ofMillis(200), () -> System.out.println("timed out"))
 *         .run();
 * }</pre>
 *
 * <h2>Semantics</h2>
 * <ul>
 * <li>If one or more cases can proceed, one of them is chosen uniformly at random (Go's fairness): no case starves
 * another.</li>
 * <li>Otherwise, with {@link #orDefault}, the default action runs at once (a non-blocking select). A select with a
 * default never blocks and never times out.</li>
 * <li>Otherwise the select blocks until a case can proceed, or until the {@link #timeout} elapses (then the timeout
 * action runs). Go writes the timeout as {@code case <-time.After(d)}; {@code .recv(Go.after(d), ...)} does the same
 * here, and {@link #timeout} does it without a timer.</li>
 * <li>A case on a {@code null} channel is never ready (Go's nil channel), so it can be switched off by passing null.
 * A select with no channel case, no default and no timeout blocks forever (until interrupted).</li>
 * <li>A receive case on a closed channel is ready and gets {@code null} ({@code ok == false} with
 * {@link #recvOk}). A send case on a closed channel, if chosen, throws {@link ChanClosedException}.</li>
 * <li>Interrupts: as for {@link Chan}: a blocked select that is interrupted withdraws from every channel, sets the
 * interrupt status again and throws {@link java.util.concurrent.CancellationException}.</li>
 * </ul>
 * Actions run on the calling thread after every channel is unlocked, so they may use channels freely. A
 * {@code Select} may be {@link #run()} again and again (e.g. in a loop), and by several threads at once once it is
 * built and handed to them safely (a final field, a channel, a thread start). Building (adding cases) is not
 * thread-safe and must not overlap a run.
 *
 * <h2>Implementation notes</h2>
 * As Go's {@code runtime/select.go} ({@code selectgo}): the channels are locked in one global order (by
 * {@link Chan#id}, skipping repeats), so two selects cannot deadlock. Then the cases are polled in a random order
 * ({@code pollorder}) and the first that can proceed wins. If none can, a {@link Waiter} is queued on every channel,
 * all sharing one {@link Parking}, the channels are unlocked and the thread parks (handing its P off). The peer that
 * wins the parking's claim completes that case; on waking, the select locks the channels again and takes its other
 * waiters off their queues.
 */
public final class Select {
    /** What {@link #run()} returns when the default action ran. */
    public static final int DEFAULT = -1;
    /** What {@link #run()} returns when the timeout action ran. */
    public static final int TIMEOUT = -2;

    private static final int RECV = 0;
    private static final int SEND = 1;

    /** A receive handler that also gets {@code ok}, false once the channel is closed and drained. */
    @FunctionalInterface
    public interface OkHandler<T> {
        void accept(T value, boolean ok);
    }

    private final List<Case> cases = new ArrayList<>();
    private Runnable defaultAction;
    private Duration timeout;
    private Runnable timeoutAction;
    /**
     * The non-null cases and their channels in lock order, computed by the first run after a case was added. Runs
     * read it once and use only that snapshot; building sets it to null. Volatile, and the plan immutable, so that
     * runs on several threads at once each see a whole plan.
     */
    private volatile Plan plan;

    private Select() {
    }

    /** Starts a new select. */
    public static Select select() {
        return new Select();
    }

    /** A receive case: {@code action} gets the value, or {@code null} if the channel is closed and drained. */
    public <T> Select recv(Chan<T> ch, Consumer<? super T> action) {
        Objects.requireNonNull(action, "action");
        return recvOk(ch, (v, ok) -> action.accept(v));
    }

    /** A receive case whose action also gets {@code ok} (false when the channel is closed and drained). */
    public <T> Select recvOk(Chan<T> ch, OkHandler<? super T> action) {
        Objects.requireNonNull(action, "action");
        cases.add(new Case(ch, RECV, null, action, null));
        plan = null;
        return this;
    }

    /** A send case: sends {@code value} on {@code ch}, then runs {@code action}. */
    public <T> Select send(Chan<T> ch, T value, Runnable action) {
        Chan.checkValue(value);
        Objects.requireNonNull(action, "action");
        cases.add(new Case(ch, SEND, value, null, action));
        plan = null;
        return this;
    }

    /** The action to run when no case is ready: makes the select non-blocking. */
    public Select orDefault(Runnable action) {
        this.defaultAction = Objects.requireNonNull(action, "action");
        return this;
    }

    /** Gives up after {@code d} (counted from each {@link #run()}) and runs {@code action} if no case was ready. */
    public Select timeout(Duration d, Runnable action) {
        this.timeout = Objects.requireNonNull(d, "timeout");
        this.timeoutAction = Objects.requireNonNull(action, "action");
        return this;
    }

    /**
     * Runs the select: waits for a case, performs it and runs its action.
     *
     * @return the index of the case that ran, in the order the cases were added, or {@link #DEFAULT} or
     *         {@link #TIMEOUT}
     * @throws ChanClosedException if the chosen case is a send on a closed channel
     */
    public int run() {
        long deadline = timeout == null ? 0 : System.nanoTime() + Math.max(0, timeout.toNanos());
        Plan plan = this.plan;
        if (plan == null) {
            plan = new Plan(cases);
            this.plan = plan;
        }
        Chan<?>[] lockorder = plan.lockorder;
        Case[] pollorder = plan.active.clone();
        shuffle(pollorder);

        Waiter result = new Waiter(null, -1, null);
        Case chosen = null;
        Waiter peer = null;
        Parking parking = null;
        Waiter[] waiters = null;
        lockAll(lockorder);
        try {
            // Pass 1: the first case, in random order, that can proceed now.
            for (Case c : pollorder) {
                if (c.kind == SEND) {
                    c.chan.checkOpen();
                    peer = c.chan.sendLocked(c.value);
                } else {
                    peer = c.chan.recvLocked(result);
                }
                if (peer != null) {
                    chosen = c;
                    break;
                }
            }
            // Pass 2: nothing ready and we may block: queue a waiter on every channel.
            if (chosen == null && defaultAction == null && (timeout == null || System.nanoTime() < deadline)) {
                parking = new Parking();
                waiters = enqueue(pollorder, parking);
            }
        } finally {
            unlockAll(lockorder);
        }
        if (chosen != null) {
            Waiter.wake(peer);
            return chosen.complete(result.elem, result.success);
        }
        if (parking == null) {
            if (defaultAction != null) {
                defaultAction.run();
                return DEFAULT;
            }
            timeoutAction.run();
            return TIMEOUT;
        }

        int outcome = parking.await(timeout != null, deadline);

        Waiter winner = outcome == Parking.FIRED ? parking.winner() : null;
        dequeueLosers(pollorder, waiters, winner, lockorder);
        if (outcome == Parking.INTERRUPTED) {
            throw Parking.interrupted("Select.run");
        }
        if (outcome == Parking.TIMED_OUT) {
            timeoutAction.run();
            return TIMEOUT;
        }
        Case c = pollorder[winner.index];
        if (c.kind == SEND && !winner.success) {
            throw new ChanClosedException("send on closed channel (closed while the select waited)");
        }
        return c.complete(winner.elem, winner.success);
    }

    /**
     * Pass 3: takes the waiters that did not win off their queues (the winner's peer took it off its own); a waiter
     * that a peer dropped after losing the claim is no longer queued.
     */
    private static void dequeueLosers(Case[] pollorder, Waiter[] waiters, Waiter winner, Chan<?>[] lockorder) {
        if (waiters.length == (winner == null ? 0 : 1)) {
            return; // nothing left behind: no need to lock again
        }
        lockAll(lockorder);
        try {
            for (int i = 0; i < waiters.length; i++) {
                if (waiters[i] != winner) {
                    Case c = pollorder[i];
                    (c.kind == SEND ? c.chan.sendq : c.chan.recvq).remove(waiters[i]);
                }
            }
        } finally {
            unlockAll(lockorder);
        }
    }

    /** Queues one waiter per case, all sharing {@code parking}; waiter {@code i} stands for {@code cases[i]}. */
    private static Waiter[] enqueue(Case[] cases, Parking parking) {
        Waiter[] waiters = new Waiter[cases.length];
        for (int i = 0; i < cases.length; i++) {
            Case c = cases[i];
            Waiter w = new Waiter(c.chan, i, parking);
            if (c.kind == SEND) {
                w.elem = c.value;
                c.chan.sendq.enqueue(w);
            } else {
                c.chan.recvq.enqueue(w);
            }
            waiters[i] = w;
        }
        return waiters;
    }

    private static void shuffle(Case[] a) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            Case t = a[i];
            a[i] = a[j];
            a[j] = t;
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
    private static final class Plan {
        final Case[] active;
        final Chan<?>[] lockorder;

        Plan(List<Case> cases) {
            active = cases.stream().filter(c -> c.chan != null).toArray(Case[]::new);
            lockorder = Arrays.stream(active).map(c -> c.chan).distinct()
                    .sorted(Comparator.comparingLong(ch -> ch.id)).toArray(Chan<?>[]::new);
        }
    }

    /** One case: a receive (with its handler) or a send (with its value and action); {@code index} is its place. */
    private final class Case {
        final Chan<?> chan;
        final int kind;
        final Object value;
        final OkHandler<?> onRecv;
        final Runnable onSend;
        final int index = cases.size();

        Case(Chan<?> chan, int kind, Object value, OkHandler<?> onRecv, Runnable onSend) {
            this.chan = chan;
            this.kind = kind;
            this.value = value;
            this.onRecv = onRecv;
            this.onSend = onSend;
        }

        @SuppressWarnings("unchecked")
        int complete(Object elem, boolean ok) {
            if (kind == SEND) {
                onSend.run();
            } else {
                ((OkHandler<Object>) onRecv).accept(elem, ok);
            }
            return index;
        }
    }
}
