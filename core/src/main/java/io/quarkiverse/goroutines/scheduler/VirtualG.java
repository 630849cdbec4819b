package io.quarkiverse.goroutines.scheduler;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The scheduler as one virtual G's thread sees it: the {@link Executor} its builder was given. The thread calls
 * {@link #execute} once when it starts, with its continuation, and once per wake-up after that.
 * <p>
 * One instance per G object, made with the G's first virtual incarnation and reused by later ones (an ended thread
 * never calls again). Binding the executor to the G spares a lookup from continuation to G on every wake-up.
 *
 * <h2>Why a {@code ForkJoinPool}</h2>
 * From Java 25 on, a virtual thread whose scheduler is a {@link ForkJoinPool} asks that pool for the timeout task
 * of every timed park, sleep or timed wait ({@code ForkJoinPool.schedule}); with any other scheduler the JDK runs
 * those tasks on threads of its own ({@code VirtualThread-unparker}), one hop and two wake-ups per sleep. Being a
 * {@code ForkJoinPool} lets {@link #schedule} hand them to our per-P timers ({@link Timers}), fired by the Ms. Nothing
 * else of the pool is used: {@link #execute} and {@link #schedule} are the only entries the JDK calls, and the
 * instance is allocated without running the pool's constructor (which would start nothing, but registers a thread
 * container that thread dumps would list once per G). On Java 21 to 24 {@link #schedule} is never called.
 */
final class VirtualG extends ForkJoinPool {
    private static final MethodHandle ALLOCATE = allocator();

    private volatile Scheduler sched;
    private volatile G g;

    /** Only when the JDK offers no way to allocate without a constructor (see {@link #of}). */
    private VirtualG() {
        super(1);
    }

    /** The executor of {@code g}'s virtual threads. */
    static VirtualG of(Scheduler sched, G g) {
        VirtualG v = null;
        if (ALLOCATE != null) {
            try {
                v = (VirtualG) (Object) ALLOCATE.invokeExact(VirtualG.class);
            } catch (Throwable e) {
                v = null;
            }
        }
        if (v == null) {
            v = new VirtualG();
        }
        v.sched = sched;
        v.g = g;
        return v;
    }

    @Override
    public void execute(Runnable continuation) {
        G g = this.g;
        if (g.vregistrar == Thread.currentThread()) {
            // Thread.start from newprocVirtual on this thread: record the continuation; the G is queued after.
            g.fn = continuation;
            g.vregistrar = null;
            return;
        }
        if (continuation == g.fn && sched.sched.runState != Sched.TERMINATED) {
            sched.virtualGs.ready(g);
            return;
        }
        // After termination no M is left to run even a G's own continuation: a G woken then (by an orphaned timer,
        // or by whoever it waited for) runs on the shared carriers from here on, once per wake-up the JDK hands us.
        // A virtual thread that the G's code started (the JDK gives a new virtual thread its parent's scheduler,
        // this object), such as the JDK's own I/O poller threads. It is not a G and must not depend on this
        // scheduler's lifetime: it runs on the shared carriers for such threads.
        VirtualThreads.foreignCarriers().execute(continuation);
    }

    /**
     * The timeout task of a timed park, sleep or timed wait (Java 25 and later call this): one of our timers, fired
     * by an M ({@link Timers#add}).
     */
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return sched.timers.add(unit.toNanos(delay), command);
    }

    @Override
    public String toString() {
        return sched.name() + " scheduler of " + g;
    }

    /** {@code sun.misc.Unsafe.allocateInstance}, or null where the JDK does not offer it. */
    private static MethodHandle allocator() {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field f = unsafeClass.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            Object unsafe = f.get(null);
            return MethodHandles.lookup()
                    .unreflect(unsafeClass.getMethod("allocateInstance", Class.class))
                    .bindTo(unsafe)
                    .asType(MethodType.methodType(Object.class, Class.class));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }
}
