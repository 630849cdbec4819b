package io.quarkiverse.goroutines;

/**
 * One blocked operation on one channel (Go's {@code sudog}): it sits in the channel's {@code recvq} or
 * {@code sendq}. A plain send or receive has one waiter; a select has one per case, all sharing one {@link Parking}.
 * <p>
 * Every field but {@link #parking}, {@link #chan} and {@link #index} is guarded by the lock of {@link #chan}: the
 * owner writes {@link #elem} before it enqueues, the peer that claims the waiter writes {@link #elem} and
 * {@link #success} before it fires the parking, and the owner reads them after the parking has fired.
 */
final class Waiter {
    /** Returned by a channel operation that completed without a peer to wake. */
    static final Waiter NOBODY = new Waiter(null, -1, null);

    final Chan<?> chan;
    /** The select case this waiter stands for; 0 for a plain send or receive. */
    final int index;
    final Parking parking;
    /** A sender's value; a receiver's value once it has been handed one. */
    Object elem;
    /** True when a value passed; false when the channel was closed. */
    boolean success;

    // Links in the channel's wait queue; queued tells whether the waiter is still in it.
    Waiter prev;
    Waiter next;
    boolean queued;

    Waiter(Chan<?> chan, int index, Parking parking) {
        this.chan = chan;
        this.index = index;
        this.parking = parking;
    }

    /** Wakes the owner of a waiter that a channel operation claimed; call it after unlocking. */
    static void wake(Waiter w) {
        if (w != null && w != NOBODY) {
            w.parking.fire(w);
        }
    }
}
