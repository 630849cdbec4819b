package io.quarkiverse.goroutines;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A Go channel: a typed conduit between goroutines (or any threads), unbuffered or with a FIFO buffer.
 *
 * <pre>{@code
 * Chan<String> results = Chan.make(8);
 * Go.go(() -> results.send(fetch()));
 * String first = results.receive();
 * }</pre>
 *
 * <h2>Semantics (Go's)</h2>
 * <ul>
 * <li>{@link #send} on an unbuffered channel completes only when a receiver has taken the value (rendezvous); on a
 * buffered channel it completes when the value is in the buffer, and blocks while the buffer is full.</li>
 * <li>{@link #receive} blocks until a value is there; on a closed channel it returns the buffered values in order,
 * then {@code null} at once. {@link #receiveOk} tells a value from "closed and drained".</li>
 * <li>{@link #close} wakes every blocked receiver (they see closed) and every blocked sender, which throws
 * {@link ChanClosedException}, as does any later send and a second close.</li>
 * <li>Values are handed over in FIFO order; blocked senders and receivers are served in the order they came.</li>
 * <li>{@code null} cannot be sent: it means "closed" on the receiving side.</li>
 * </ul>
 *
 * <h2>Blocking</h2>
 * A blocked operation parks its thread (see {@link Parking}). On a goroutine of the G/M/P scheduler the P is handed
 * to another M first (Go's {@code entersyscallblock}), so the other goroutines keep running while this one waits.
 * An interrupt of a blocked thread makes the operation give up: it withdraws from the channel (nothing is sent or
 * taken), sets the interrupt status again and throws {@link java.util.concurrent.CancellationException}. An operation
 * that can complete at once does so even on an interrupted thread. The same holds when the blocked goroutine's
 * {@link Group} is cancelled, without touching the interrupt status.
 *
 * <h2>Implementation notes</h2>
 * The structure is Go's {@code hchan} ({@code runtime/chan.go}): a ring buffer, a queue of blocked receivers
 * ({@code recvq}) and one of blocked senders ({@code sendq}), all under one lock. At most one of the queues is
 * non-empty, and waiting senders exist only when the buffer is full, waiting receivers only when it is empty. A
 * sender that finds a waiting receiver hands the value straight to it; a receiver that finds a waiting sender on a
 * full buffer takes the head and moves the sender's value to the tail, which keeps FIFO order.
 * {@link Select} locks several channels at once, in the order of their {@link #id}.
 */
public final class Chan<T> implements Iterable<T> {
    private static final AtomicLong IDS = new AtomicLong();

    /** Orders channels for locking (Go sorts by address). */
    final long id = IDS.incrementAndGet();
    final ReentrantLock lock = new ReentrantLock();
    /** Ring buffer of {@link #count} values from {@link #recvx}; empty for an unbuffered channel. Under the lock. */
    private final Object[] buf;
    private int sendx;
    private int recvx;
    /** Written under the lock; read without it by {@link #len()}. */
    private volatile int count;
    private volatile boolean closed;
    final WaitQueue recvq = new WaitQueue();
    final WaitQueue sendq = new WaitQueue();

    private Chan(int capacity) {
        this.buf = new Object[capacity];
    }

    /** An unbuffered channel. */
    public static <T> Chan<T> make() {
        return new Chan<>(0);
    }

    /** A channel with room for {@code capacity} values; 0 makes an unbuffered one. */
    public static <T> Chan<T> make(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("channel capacity " + capacity + " is out of range: allowed 0.."
                    + Integer.MAX_VALUE);
        }
        return new Chan<>(capacity);
    }

    /**
     * Sends {@code value}, blocking until a receiver takes it (unbuffered) or the buffer has room.
     *
     * @throws ChanClosedException if the channel is closed, or gets closed while this send waits
     * @throws NullPointerException if {@code value} is null
     */
    public void send(T value) {
        checkValue(value);
        Waiter peer;
        Waiter me = null;
        lock.lock();
        try {
            checkOpen();
            peer = sendLocked(value);
            if (peer == null) {
                me = new Waiter(this, 0, new Parking());
                me.elem = value;
                sendq.enqueue(me);
            }
        } finally {
            lock.unlock();
        }
        if (peer != null) {
            Waiter.wake(peer);
            return;
        }
        int outcome = me.parking.await(false, 0);
        if (outcome != Parking.FIRED) {
            withdraw(sendq, me);
            throw me.parking.gaveUp(outcome, "Chan.send");
        }
        if (!me.success) {
            throw new ChanClosedException("send on closed channel (closed while the send waited)");
        }
    }

    /**
     * Sends {@code value} if that can be done without blocking.
     *
     * @return whether the value was sent
     * @throws ChanClosedException if the channel is closed
     */
    public boolean trySend(T value) {
        checkValue(value);
        Waiter peer;
        lock.lock();
        try {
            checkOpen();
            peer = sendLocked(value);
        } finally {
            lock.unlock();
        }
        Waiter.wake(peer);
        return peer != null;
    }

    /** Receives a value, blocking until one is there; {@code null} once the channel is closed and drained. */
    public T receive() {
        return receiveOk().value();
    }

    /** Receives a value, blocking until one is there; {@code ok} is false once the channel is closed and drained. */
    @SuppressWarnings("unchecked")
    public Received<T> receiveOk() {
        Waiter result = new Waiter(this, 0, null);
        Waiter peer;
        Waiter me = null;
        lock.lock();
        try {
            peer = recvLocked(result);
            if (peer == null) {
                me = new Waiter(this, 0, new Parking());
                recvq.enqueue(me);
            }
        } finally {
            lock.unlock();
        }
        if (peer != null) {
            Waiter.wake(peer);
            return new Received<>((T) result.elem, result.success);
        }
        int outcome = me.parking.await(false, 0);
        if (outcome != Parking.FIRED) {
            withdraw(recvq, me);
            throw me.parking.gaveUp(outcome, "Chan.receive");
        }
        return new Received<>((T) me.elem, me.success);
    }

    /**
     * Receives a value if one is there now; {@code null} if none is, or the channel is closed and drained. (To tell
     * those apart, use {@link Select} with {@link Select#receiveOk} and {@link Select#orDefault}.)
     */
    @SuppressWarnings("unchecked")
    public T tryReceive() {
        Waiter result = new Waiter(this, 0, null);
        Waiter peer;
        lock.lock();
        try {
            peer = recvLocked(result);
        } finally {
            lock.unlock();
        }
        if (peer == null) {
            return null;
        }
        Waiter.wake(peer);
        return (T) result.elem;
    }

    /**
     * Closes the channel: no more sends; receivers drain the buffer, then see it closed. Wakes every blocked receiver
     * and every blocked sender (which throws {@link ChanClosedException}).
     *
     * @throws ChanClosedException if the channel is already closed
     */
    public void close() {
        List<Waiter> woken = new ArrayList<>();
        lock.lock();
        try {
            if (closed) {
                throw new ChanClosedException("close of closed channel");
            }
            closed = true;
            for (WaitQueue q : new WaitQueue[] { recvq, sendq }) {
                Waiter w;
                while ((w = q.dequeue()) != null) {
                    w.elem = null;
                    w.success = false;
                    woken.add(w);
                }
            }
        } finally {
            lock.unlock();
        }
        woken.forEach(Waiter::wake);
    }

    /** The number of values in the buffer. */
    public int len() {
        return count;
    }

    /** The buffer's capacity; 0 for an unbuffered channel. */
    public int cap() {
        return buf.length;
    }

    /** Ranges over the channel (Go's {@code for v := range ch}): receives until the channel is closed and drained. */
    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            private Received<T> next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    next = receiveOk();
                }
                return next.ok();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("channel closed");
                }
                T v = next.value();
                next = null;
                return v;
            }
        };
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "Chan#" + id + "[len=" + count + ", cap=" + buf.length + ", blocked senders=" + sendq.size()
                    + ", blocked receivers=" + recvq.size() + (closed ? ", closed]" : "]");
        } finally {
            lock.unlock();
        }
    }

    /** Senders blocked on this channel (selects included); for diagnostics and tests. */
    int blockedSenders() {
        return waiting(sendq);
    }

    /** Receivers blocked on this channel (selects included); for diagnostics and tests. */
    int blockedReceivers() {
        return waiting(recvq);
    }

    private int waiting(WaitQueue q) {
        lock.lock();
        try {
            return q.size();
        } finally {
            lock.unlock();
        }
    }

    /** The result of {@link #receiveOk()}: {@code ok} is false (and {@code value} null) when closed and drained. */
    public record Received<T>(T value, boolean ok) {
    }

    // -------------------------------------------------------------------------------------------------------------
    // Under the lock; shared with Select.

    boolean isClosed() {
        return closed;
    }

    /**
     * Sends without blocking, the channel being open: to a waiting receiver, else into the buffer.
     *
     * @return null if it would block; else the receiver to {@linkplain Waiter#wake wake} after unlocking, or
     *         {@link Waiter#NOBODY}
     */
    Waiter sendLocked(Object value) {
        Waiter r = recvq.dequeue();
        if (r != null) {
            r.elem = value;
            r.success = true;
            return r;
        }
        if (count < buf.length) {
            buf[sendx] = value;
            sendx = next(sendx);
            count++;
            return Waiter.NOBODY;
        }
        return null;
    }

    /**
     * Receives without blocking into {@code into} ({@code elem} and {@code success}): from a waiting sender, else
     * from the buffer, else "closed" if closed.
     *
     * @return null if it would block; else the sender to {@linkplain Waiter#wake wake} after unlocking, or
     *         {@link Waiter#NOBODY}
     */
    Waiter recvLocked(Waiter into) {
        Waiter s = sendq.dequeue();
        if (s != null) {
            if (buf.length == 0) {
                into.elem = s.elem;
            } else {
                // The buffer is full (else s would not wait): take its head, put s's value at the tail.
                into.elem = buf[recvx];
                buf[recvx] = s.elem;
                recvx = next(recvx);
                sendx = recvx;
            }
            into.success = true;
            s.elem = null;
            s.success = true;
            return s;
        }
        if (count > 0) {
            into.elem = buf[recvx];
            into.success = true;
            buf[recvx] = null;
            recvx = next(recvx);
            count--;
            return Waiter.NOBODY;
        }
        if (closed) {
            into.elem = null;
            into.success = false;
            return Waiter.NOBODY;
        }
        return null;
    }

    void checkOpen() {
        if (closed) {
            throw new ChanClosedException("send on closed channel");
        }
    }

    static void checkValue(Object value) {
        Objects.requireNonNull(value, "a channel cannot carry null: null means closed on the receiving side");
    }

    private int next(int i) {
        return i + 1 == buf.length ? 0 : i + 1;
    }

    private void withdraw(WaitQueue q, Waiter me) {
        lock.lock();
        try {
            q.remove(me);
        } finally {
            lock.unlock();
        }
    }
}
