package io.quarkiverse.goroutines;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Go's {@code select} statement: waits until one of several channel operations can proceed, does it, and runs that
 * case's action.
 *
 * <pre>{@code
 * Select.select()
 *         .receive(results, r -> System.out.println("got " + r))
 *         .receiveOk(events, (e, ok) -> {
 *             if (!ok)
 *                 System.out.println("events closed");
 *         })
 *         .send(out, () -> nextPing(), () -> System.out.println("sent"))
 *         .timeout(Duration.ofMillis(200), () -> System.out.println("timed out"))
 *         .run();
 * }</pre>
 *
 * When the cases should produce a value rather than run actions, use the select expression {@link #returning()}
 * (Kotlin's {@code select<R>}). Both share one engine, {@link SelectOf}, whose documentation gives the semantics: send
 * values are supplied on each run, a ready case is chosen at random, a default makes the select non-blocking, a
 * {@code null} channel is never ready, interrupts and cancellation throw
 * {@link java.util.concurrent.CancellationException}, and a built select may be run by several threads at once.
 */
public final class Select {
    /** What {@link #run()} returns when the default action ran. */
    public static final int DEFAULT = -1;
    /** What {@link #run()} returns when the timeout action ran. */
    public static final int TIMEOUT = -2;

    /** A receive action that also gets {@code ok}, false once the channel is closed and drained. */
    @FunctionalInterface
    public interface OkHandler<T> {
        void accept(T value, boolean ok);
    }

    /** The engine; each case's function runs the action and yields the case's index. */
    private final SelectOf<Integer> cases = new SelectOf<>();
    /** The number of cases added; only the building thread writes it. */
    private int size;

    private Select() {
    }

    /** Starts a new select statement. */
    public static Select select() {
        return new Select();
    }

    /** Starts a new select expression, whose chosen case produces an {@code R}. */
    public static <R> SelectOf<R> returning() {
        return new SelectOf<>();
    }

    /** A receive case: {@code action} gets the value, or {@code null} if the channel is closed and drained. */
    public <T> Select receive(Chan<T> ch, Consumer<? super T> action) {
        Objects.requireNonNull(action, "action");
        return receiveOk(ch, (v, ok) -> action.accept(v));
    }

    /** A receive case whose action also gets {@code ok} (false when the channel is closed and drained). */
    public <T> Select receiveOk(Chan<T> ch, OkHandler<? super T> action) {
        Objects.requireNonNull(action, "action");
        int index = size++;
        cases.receiveOk(ch, (T v, boolean ok) -> {
            action.accept(v, ok);
            return index;
        });
        return this;
    }

    /**
     * A send case: sends the value {@code value} supplies (called on each run), then runs {@code action}. A fixed
     * value is {@code () -> v}.
     */
    public <T> Select send(Chan<T> ch, Supplier<? extends T> value, Runnable action) {
        Objects.requireNonNull(value, "value supplier");
        cases.send(ch, value, indexAfter(action));
        return this;
    }

    /** The action to run when no case is ready: makes the select non-blocking. */
    public Select orDefault(Runnable action) {
        Objects.requireNonNull(action, "action");
        cases.orDefault(() -> {
            action.run();
            return DEFAULT;
        });
        return this;
    }

    /** Gives up after {@code d} (counted from each {@link #run()}) and runs {@code action} if no case was ready. */
    public Select timeout(Duration d, Runnable action) {
        Objects.requireNonNull(action, "action");
        cases.timeout(d, () -> {
            action.run();
            return TIMEOUT;
        });
        return this;
    }

    /**
     * Runs the select: waits for a case, performs it and runs its action.
     *
     * @return the index of the case that ran, in the order the cases were added, or {@link #DEFAULT} or
     *         {@link #TIMEOUT}
     * @throws ChanClosedException if the chosen case is a send on a closed channel
     * @throws java.util.concurrent.CancellationException if interrupted or cancelled while blocked
     */
    public int run() {
        return cases.run();
    }

    private Supplier<Integer> indexAfter(Runnable action) {
        Objects.requireNonNull(action, "action");
        int index = size++;
        return () -> {
            action.run();
            return index;
        };
    }
}
