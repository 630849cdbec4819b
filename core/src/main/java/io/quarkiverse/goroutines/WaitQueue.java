package io.quarkiverse.goroutines;

/**
 * A channel's FIFO of blocked senders or receivers (Go's {@code waitq}): a doubly linked list of {@link Waiter}s,
 * guarded by the channel's lock.
 * <p>
 * {@link #dequeue()} claims the waiter it returns through the waiter's {@link Parking}. A waiter whose parking was
 * already claimed (another case of its select won, or it timed out or was interrupted) is dropped on the way; its
 * owner's later {@link #remove(Waiter)} sees it is no longer queued.
 */
final class WaitQueue {
    private Waiter head;
    private Waiter tail;
    private int size;

    void enqueue(Waiter w) {
        w.prev = tail;
        w.next = null;
        if (tail == null) {
            head = w;
        } else {
            tail.next = w;
        }
        tail = w;
        w.queued = true;
        size++;
    }

    /** The first waiter that could be claimed, taken off the queue; null if none. */
    Waiter dequeue() {
        while (head != null) {
            Waiter w = head;
            unlink(w);
            if (w.parking.claim()) {
                return w;
            }
        }
        return null;
    }

    /** Takes {@code w} off the queue if it is still in it. */
    void remove(Waiter w) {
        if (w.queued) {
            unlink(w);
        }
    }

    /** Waiters in the queue, including claimed ones not yet dropped. */
    int size() {
        return size;
    }

    private void unlink(Waiter w) {
        if (w.prev == null) {
            head = w.next;
        } else {
            w.prev.next = w.next;
        }
        if (w.next == null) {
            tail = w.prev;
        } else {
            w.next.prev = w.prev;
        }
        w.prev = null;
        w.next = null;
        w.queued = false;
        size--;
    }
}
