package io.quarkiverse.goroutines.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One timer (Go's {@code timer}): a task to run at {@code when}, kept in one P's {@link TimerHeap}. The JDK makes
 * one for every timed park or timed wait of a virtual G and keeps it as the park's timeout task, cancelling it when
 * the thread is woken early.
 * <p>
 * States: {@code WAITING → FIRED} (whoever runs it wins the CAS, then runs the task once) or
 * {@code WAITING → CANCELLED} ({@link #cancel}). A cancelled timer stays in its heap until it is popped or the heap is
 * compacted (Go's zombie timers): cancelling is one CAS and never takes a lock.
 */
final class Timer implements ScheduledFuture<Object> {
    static final int WAITING = 0;
    static final int FIRED = 1;
    static final int CANCELLED = 2;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Timer.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** When the task is due, in {@link System#nanoTime()} terms. */
    final long when;
    final Runnable task;
    private volatile int state;
    /** The heap the timer is in, for the zombie count; written under that heap's lock. */
    volatile TimerHeap heap;

    Timer(long when, Runnable task) {
        this.when = when;
        this.task = task;
    }

    /** Claims the timer for running; true for exactly one caller, and never after a cancel. */
    boolean claim() {
        return STATE.compareAndSet(this, WAITING, FIRED);
    }

    int state() {
        return state;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (!STATE.compareAndSet(this, WAITING, CANCELLED)) {
            return false;
        }
        TimerHeap h = heap;
        if (h != null) {
            h.zombie();
        }
        return true;
    }

    @Override
    public boolean isCancelled() {
        return state == CANCELLED;
    }

    @Override
    public boolean isDone() {
        return state != WAITING;
    }

    @Override
    public long getDelay(TimeUnit unit) {
        return unit.convert(when - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
        if (o instanceof Timer t) {
            return Long.compare(when - t.when, 0);
        }
        return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
    }

    /** Not supported: nothing waits for a park's timeout task, which has no result. */
    @Override
    public Object get() {
        throw new UnsupportedOperationException("a goroutine timer has no result to wait for");
    }

    /** Not supported: nothing waits for a park's timeout task, which has no result. */
    @Override
    public Object get(long timeout, TimeUnit unit) {
        throw new UnsupportedOperationException("a goroutine timer has no result to wait for");
    }

    @Override
    public String toString() {
        return "Timer[" + (state == WAITING ? "waiting" : state == FIRED ? "fired" : "cancelled") + ", due in "
                + SchedulerConfig.format(java.time.Duration.ofNanos(when - System.nanoTime())) + "]";
    }
}
