package io.quarkiverse.goroutines.scheduler;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A processor: the right to run Gs, with its local run queue and free-G cache. {@code procs} of them exist.
 * <p>
 * Invariants (see {@link PStatus} for who may change the status):
 * <ul>
 * <li>{@code status == RUNNING} ⇒ exactly one M owns the P, {@code p.m == m} and {@code m.p == p} (outside the
 * owner's own {@code acquirep}/{@code releasep}). The converse does not hold: an M whose G a third party detached
 * keeps {@code m.p} pointing at the P it lost (then SYSCALL, or owned by another M) until it next looks, so an M may
 * trust {@code m.p} only while its G is RUNNING. Only the owner touches
 * the producer side of {@link #runq}, {@link #gFree}, {@link #schedtick}.</li>
 * <li>{@code status == IDLE} ⇒ the run queue is empty when the P went idle, and the P is on the idle list or held by
 * one thread that is handing it to an M.</li>
 * <li>{@code status == SYSCALL} ⇒ nobody owns it; {@link #syscalltick} changes every time it is retaken.</li>
 * </ul>
 */
final class P {
    /** Go's local free-G list bound and refill target ({@code gfput}, {@code gfget}). */
    static final int GFREE_MAX = 64;
    static final int GFREE_KEEP = 32;

    final int id;
    private final AtomicInteger status = new AtomicInteger(PStatus.GCSTOP.ordinal());
    /**
     * Owner while RUNNING; the M in a syscall (for traces) while SYSCALL; else null. Written by whoever just moved
     * the status (acquirer, releaser, or the winner of a detach or retake CAS).
     */
    volatile M m;
    final RunQueue runq = new RunQueue();
    /** Timeouts of virtual Gs that parked here ({@link Timers}); any thread, under the heap's own lock. */
    final TimerHeap timers = new TimerHeap();
    /** Dead Gs for reuse; owner only (and procresize, with the world stopped). */
    final ArrayDeque<G> gFree = new ArrayDeque<>();
    /** Size of {@link #gFree} for snapshots; same writers. */
    volatile int gFreeCount;

    /** Bumped by the owner each time it schedules a G that does not inherit a time slice. */
    volatile long schedtick;
    /**
     * When the current time slice began: set when a G starts with a new slice (not inherited through
     * {@code runnext}). Written and read by the owning M only.
     */
    long sliceStart;
    /**
     * Bumped every time the P enters a syscall and every time it is retaken from one. Each bump is made by the one
     * thread that owns the transition (the owner entering the syscall, or the winner of the detach, retake or
     * stop-the-world CAS), so plain increments of the volatile never race.
     */
    volatile long syscalltick;
    /** Go's {@code goidcache}: ids {@code [goidcache, goidcacheend)} are this P's to hand out; owner only. */
    long goidcache;
    long goidcacheend;
    /** Gs this P stole; owner only. */
    volatile long steals;
    /** Times the P was handed off while its G blocked; same writers as {@link #syscalltick}. */
    volatile long handoffs;

    /** sysmon's view of this P; touched only by the sysmon thread. */
    final SysmonTick sysmontick = new SysmonTick();

    P(int id) {
        this.id = id;
    }

    /**
     * Whether {@code m} owns this P: for {@code assert}s at the owner-only ends of the run queue, the free list and
     * the goid cache.
     */
    boolean ownedBy(M m) {
        return m != null && this.m == m && m.p == this;
    }

    PStatus status() {
        return PStatus.ofOrdinal(status.get());
    }

    boolean casStatus(PStatus from, PStatus to) {
        return status.compareAndSet(from.ordinal(), to.ordinal());
    }

    void setStatus(PStatus to) {
        status.set(to.ordinal());
    }

    /** What sysmon saw of a P on earlier passes (Go's {@code sysmontick}). */
    static final class SysmonTick {
        long schedtick;
        long schedwhen;
        long syscalltick;
        long syscallwhen;
        /** CPU time of the P's M, and when it was read, while the schedtick stands still. */
        long cpuNanos;
        long cpuWhen;
        /** The status word of the G last seen blocked on this P, or -1: a hand-off needs two sightings of it. */
        long blockedWord = -1;
    }

    @Override
    public String toString() {
        return "P" + id + "[" + status() + "]";
    }
}
