package io.quarkiverse.goroutines.scheduler;

/**
 * States of a G, with Go's values ({@code _Gidle} … {@code _Gpreempted}).
 *
 * <pre>
 *   IDLE ──newproc──▶ RUNNABLE ──execute──▶ RUNNING ──goexit──▶ DEAD ──gfget──▶ RUNNABLE
 *                        ▲                  │  │  │
 *                        │       entersyscall│  │  │ detach for a long run (sysmon, optional)
 *                        │    or blocking    ▼  │  ▼
 *                        └──exitsyscall,── SYSCALL  PREEMPTED ──(like SYSCALL)──▶ RUNNING / DEAD
 *                           no P free          │
 *                                              └──exitsyscall, P at hand──▶ RUNNING
 *   RUNNING ──gopark──▶ WAITING ──ready──▶ RUNNABLE     (virtual mode: the G's thread parked and unmounted)
 * </pre>
 *
 * A platform-mode G never leaves its M once it has started: "RUNNABLE" after a start means the G waits on its own
 * M for a P to be handed to it. A virtual-mode G leaves its M whenever its thread parks; a detached virtual G
 * (SYSCALL, PREEMPTED) that parks goes to WAITING too.
 */
public enum GStatus {
    /** Just allocated, not yet initialised. */
    IDLE(0),
    /** In a run queue, or waiting on its M for a P. Not executing user code. */
    RUNNABLE(1),
    /** Executing user code with an M and a P. */
    RUNNING(2),
    /** Blocked in a call, announced or detected; has an M, no P of its own. */
    SYSCALL(3),
    /** Virtual mode: parked and off its M, waiting to be made runnable by whoever unparks it. */
    WAITING(4),
    /** Finished; on a free list for reuse. */
    DEAD(6),
    /** Ran past the long-running threshold and lost its P; keeps running on its M like a syscall. */
    PREEMPTED(9);

    /** Go's numeric value of the state, as printed by {@code scheddetail}. */
    public final int goValue;

    GStatus(int goValue) {
        this.goValue = goValue;
    }

    /** Whether a G in this state is live: made and not yet dead (what dumps, traces and reports list). */
    public boolean live() {
        return this != IDLE && this != DEAD;
    }

    private static final GStatus[] BY_ORDINAL = values();

    static GStatus ofOrdinal(int ordinal) {
        return BY_ORDINAL[ordinal];
    }
}
