package io.quarkiverse.goroutines;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.LockSupport;

import io.quarkiverse.goroutines.scheduler.Scheduler;

/**
 * The wait of one blocking operation (a send, a receive, a select, a {@link WaitGroup#await()}): the thread that
 * waits, a claim word, and the waiter that woke it. Go keeps these in the G ({@code selectDone}, {@code param}).
 *
 * <h2>Protocol</h2>
 * <ol>
 * <li>Exactly one party wins {@link #claim()}: a peer that is about to complete one of the operation's waiters
 * (under that channel's lock), or the waiting thread itself when it gives up (timeout, interrupt, its group's
 * cancellation). Losers skip the
 * waiter. This is what makes one select case win, and a cancelled wait never lose or duplicate a value.</li>
 * <li>The winning peer hands the value over, then {@link #fire(Waiter) fires}: it publishes the waiter through a
 * volatile write and unparks the thread.</li>
 * <li>The thread parks until fired. If it loses the claim while giving up, a peer is already handing it a value, so
 * it waits for the fire without giving up again (the interrupt is kept for later).</li>
 * </ol>
 *
 * <h2>Blocking and the scheduler</h2>
 * On an M of a {@link Scheduler} the park loop runs inside {@link Scheduler#syscallBlock}: the P is handed off
 * before the thread parks (Go's {@code entersyscallblock}), so the other goroutines keep running, and the G takes a
 * P again when it is woken. When Gs are virtual threads, {@code syscallBlock} just runs the loop and
 * {@link LockSupport#park} unmounts the G. On any other thread the loop simply parks that thread.
 */
final class Parking {
    static final int FIRED = 0;
    static final int TIMED_OUT = 1;
    static final int INTERRUPTED = 2;
    static final int CANCELLED = 3;

    private static final VarHandle CLAIMED;

    static {
        try {
            CLAIMED = MethodHandles.lookup().findVarHandle(Parking.class, "claimed", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Thread thread = Thread.currentThread();
    /** The waiting G, for the scheduler's {@code ready} (platform mode); null elsewhere. */
    private final Object waitToken = Scheduler.waitToken();
    /** 0 until one party claims the wait, then 1 (Go's {@code selectDone}). */
    @SuppressWarnings("unused")
    private volatile int claimed;
    /** The group whose cancellation ends the wait (the waiting goroutine's); null for none. Only the waiter uses it. */
    private Group<?> group;
    /** The waiter that completed the wait; written before {@link #fired}. */
    private Waiter winner;
    private volatile boolean fired;

    /** Claims the wait; true for exactly one caller. */
    boolean claim() {
        return CLAIMED.compareAndSet(this, 0, 1);
    }

    /** Completes a claimed wait with {@code w} and wakes the thread. */
    void fire(Waiter w) {
        winner = w;
        Scheduler.ready(waitToken); // queued on the firing G's P first, then woken
        fired = true;
        LockSupport.unpark(thread);
    }

    /** The waiter that completed the wait (null for a wait without waiters); valid once fired. */
    Waiter winner() {
        return winner;
    }

    /**
     * Blocks the calling thread (the one that made this parking) until fired, or until {@code deadline} (a
     * {@link System#nanoTime()} value, if {@code timed}), an interrupt or the cancellation of the calling goroutine's
     * {@link Group} makes it give up with a won claim.
     *
     * @return {@link #FIRED}, {@link #TIMED_OUT}, {@link #INTERRUPTED} or {@link #CANCELLED}; on the last three the
     *         caller still has to take its waiters off their queues; on {@link #INTERRUPTED} the interrupt status is
     *         cleared.
     */
    int await(boolean timed, long deadline) {
        return await(timed, deadline, Group.current());
    }

    /** {@link #await(boolean, long)}, given the group whose cancellation ends the wait (null: none does). */
    int await(boolean timed, long deadline, Group<?> group) {
        this.group = group;
        Scheduler s = Scheduler.current();
        if (s == null) {
            return parkLoop(timed, deadline);
        }
        try {
            return s.syscallBlock(() -> parkLoop(timed, deadline));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e); // parkLoop throws no checked exception
        }
    }

    private int parkLoop(boolean timed, long deadline) {
        boolean mayGiveUp = true;
        boolean keepInterrupt = false;
        while (!fired) {
            if (!mayGiveUp) {
                // A peer won the claim and is handing the value over: wait for it, whatever happens.
                LockSupport.park(this);
                keepInterrupt |= Thread.interrupted();
            } else if (Thread.interrupted()) {
                if (claim()) {
                    return INTERRUPTED;
                }
                mayGiveUp = false;
                keepInterrupt = true;
            } else if (group != null && group.isCancelled()) {
                // Group.cancel sets the cause, then unparks the thread: the park below cannot miss it.
                if (claim()) {
                    return CANCELLED;
                }
                mayGiveUp = false;
            } else if (timed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    if (claim()) {
                        return TIMED_OUT;
                    }
                    mayGiveUp = false;
                } else {
                    LockSupport.parkNanos(this, left);
                }
            } else {
                LockSupport.park(this);
            }
        }
        if (keepInterrupt) {
            Thread.currentThread().interrupt();
        }
        return FIRED;
    }

    /** What a blocking operation throws when {@link #await} returned {@code outcome}, neither fired nor timed out. */
    CancellationException gaveUp(int outcome, String what) {
        if (outcome == CANCELLED) {
            return group.cancelledWhile(what);
        }
        if (outcome != INTERRUPTED) {
            throw new IllegalStateException("not a give-up: " + outcome);
        }
        return interrupted(what);
    }

    /** What a blocking operation throws after an interrupt made it give up; the interrupt status is set again. */
    static CancellationException interrupted(String what) {
        Thread.currentThread().interrupt();
        return new CancellationException("interrupted while blocked in " + what);
    }
}
