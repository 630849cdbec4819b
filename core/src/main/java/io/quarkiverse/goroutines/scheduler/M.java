package io.quarkiverse.goroutines.scheduler;

/**
 * A machine: one OS thread that runs Gs while it holds a P.
 * <p>
 * Fields written only by the M's own thread: {@link #p} (through {@link #acquirep}/{@link #releasep}),
 * {@link #curg}, {@link #syscalldepth}, {@link #spinning} (but see {@link Ms#startm}). {@link #nextp} is written by whoever
 * wakes the M, before {@link Note#wakeup()}, and read
 * by the M after its sleep returns. An M is idle exactly when it is on the scheduler's idle-M list, parked on
 * {@link #park}.
 */
final class M {
    final long id;
    final Scheduler sched;
    volatile Thread thread;
    /** The kernel's id of {@link #thread}, or -1 where unknown; written by the M's thread when it starts. */
    volatile long tid = -1;
    /**
     * sysmon's view of the kernel's state of {@link #thread}, or null where unknown ({@link OsThreads.Probe}). Written
     * by the M's own thread when it starts and when it exits; read by sysmon only.
     */
    volatile OsThreads.Probe probe;
    final Note park = new Note();

    /** The kernel's state letter of this M's thread now ({@code R}, {@code S}, {@code D}...); for sysmon. */
    char kernelState() {
        OsThreads.Probe pr = probe;
        return pr == null ? OsThreads.UNKNOWN : pr.state();
    }

    /**
     * Bounded spawns this M may still make before {@code GAlloc} sums the runnable count again. Touched by whatever
     * runs on this M (its own G, or a virtual G mounted on it), one at a time; a lost update only moves the next sum.
     */
    int runnableBudget;
    /** The P this M owns, or null. */
    volatile P p;
    /** The P this M gave up when its G entered a syscall; its fast way back. */
    volatile P oldp;
    /** The P handed to this M by whoever woke it. */
    volatile P nextp;
    /** The G this M runs, or null between Gs. */
    volatile G curg;
    /** Looking for work while holding a P (counted in {@code nmspinning}). */
    volatile boolean spinning;
    /** Set when the M must leave its loop (shutdown, or a failed start). */
    volatile boolean exit;
    /**
     * How many {@code syscall} calls of the current G are open on this M; only the outermost enters and exits the
     * syscall, so that a nested blocking call (a channel wait inside {@code Go.syscall}) does not take the P back
     * while the outer call still blocks. Own thread only.
     */
    int syscalldepth;

    M(long id, Scheduler sched) {
        this.id = id;
        this.sched = sched;
    }

    /**
     * Go's {@code acquirep}: this M, which holds no P, takes {@code p}, which nobody else owns (taken off the idle
     * list, handed over, or won back by CAS from SYSCALL). Called on the M's own thread.
     */
    void acquirep(P p) {
        assert this.p == null : this + " acquirep " + p + ": already holds " + this.p;
        assert p.m == null || p.m == this : this + " acquirep " + p + ": owned by " + p.m;
        assert thread == null || thread == Thread.currentThread() : "acquirep off " + this + "'s thread";
        p.m = this;
        this.p = p;
        p.setStatus(PStatus.RUNNING);
    }

    /**
     * Go's {@code releasep}: this M gives up its P and returns it; the caller decides where it goes (its status is
     * left for the caller to set). Called on the M's own thread.
     */
    P releasep() {
        P mine = p;
        assert mine != null : this + " releasep without a P";
        assert mine.m == this : this + " releasep " + mine + " owned by " + mine.m;
        p = null;
        mine.m = null;
        return mine;
    }

    @Override
    public String toString() {
        return "M" + id;
    }
}
