package io.quarkiverse.goroutines.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A goroutine: one task and its scheduling state.
 *
 * <h2>The status word</h2>
 * The state lives in one atomic {@code long}: the low 7 bits hold the {@link GStatus} ordinal, bit 7 is the
 * {@link #SCAN} bit, and the upper 56 bits count transitions. Every change goes through {@link #cas}, which bumps the
 * count, so a word read earlier can only be CASed while nothing at all has happened to the G in between. That makes
 * the status word the lock that decides races between an M and a third party:
 * <ul>
 * <li>the M finishing or entering a syscall moves {@code RUNNING → DEAD / SYSCALL};</li>
 * <li>sysmon or stop-the-world "detach" a G by moving {@code RUNNING → SYSCALL / PREEMPTED} and then take its P.</li>
 * </ul>
 * Whoever wins the CAS owns what follows; the loser sees the new state and adapts. Because the count never repeats, a
 * reused G (new incarnation from the free list) or a G that left RUNNING and came back can never be mistaken for the
 * one that was observed (no ABA).
 * <p>
 * The {@link #SCAN} bit (Go's {@code _Gscan}) is set by a running G's own M around short scheduler operations that
 * need its P (putting a new G into the P's run queue): while it is set the detaching CAS, which expects a clean
 * {@code RUNNING}, fails, so the P cannot change hands in the middle.
 *
 * <h2>Other fields</h2>
 * {@code fn}, {@code id} and {@code createdNanos} are written before the G is published through a run queue (a
 * happens-before edge) and read by the M that runs it. {@code m} is written by that M before the G becomes RUNNING.
 *
 * <h2>Virtual Gs</h2>
 * In virtual mode a G is a virtual thread ({@link #vthread}); {@code fn} is the thread's continuation, which runs
 * the thread until it parks or ends, and {@link #task} is the user's task. A virtual G can leave its M while it
 * waits ({@code RUNNING → WAITING}, Go's {@code gopark}) and come back through the scheduler's {@code ready}
 * ({@code WAITING → RUNNABLE}). The thread may be unparked before its M has seen it park: then the waker finds the
 * G still mounted and leaves the wake-up in {@link #readyPending}; exactly one of the M (after it moved the G to
 * WAITING) and the waker (after it saw WAITING) claims it by CAS and queues the G, so a wake-up is never lost nor
 * applied twice.
 */
public final class G {
    static final long SCAN = 0x80;
    private static final long STATE_MASK = 0x7f;
    private static final long LOW_BITS = 0xff;
    private static final VarHandle WORD;

    static {
        try {
            WORD = MethodHandles.lookup().findVarHandle(G.class, "word", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Status word: transition count, scan bit, state. Use {@link #word()} and {@link #cas}. */
    @SuppressWarnings("unused")
    private volatile long word = GStatus.IDLE.ordinal();

    /** Goroutine id; a new one for every incarnation (Go hands out a fresh goid on reuse too). */
    volatile long id;
    /** The task; {@code null} while dead. */
    Runnable fn;
    volatile long createdNanos;
    /**
     * When this G last started running with a P: set by its M in {@link #startRunning}, just before the word says
     * RUNNING, so that a reader that sees a RUNNING word sees this run's time, never an earlier run's. sysmon judges
     * a long run or a block by it.
     */
    volatile long runningSince;
    /**
     * When the G last entered a run queue (spawned, readied, or back from a call without a P), for the queueing delay
     * that admission measures. Written by whoever queues it, before the queue publishes it.
     */
    long queuedNanos;
    /** Why the G is not running (Go's waitreason); {@code null} when running. */
    volatile String waitReason;
    /** The M that runs or ran this incarnation. */
    volatile M m;
    /**
     * Platform mode: the status word of the G while it waits in a blocking call that handed its P off (a channel
     * wait), or 0. Set by its M after entering the call, cleared by its M on the way out; a waker that readies the G
     * ({@code Syscalls.ready}) CASes from exactly this word, so it can only act on this very wait.
     */
    volatile long parkWord;
    /** For platform-mode Gs that have started: the only M that may run them (Go's lockedm). */
    volatile M lockedm;
    /** What the G serves, e.g. {@code GET /orders}, for dumps and views (Go's pprof labels); set by its own code. */
    volatile String label;

    /**
     * Virtual mode: this incarnation's virtual thread, or null for a platform G. Written by the spawner before the
     * G is queued; cleared by the M in goexit or by drainQueued.
     */
    volatile Thread vthread;
    /**
     * Virtual mode: the thread inside {@code Thread.start} of this G's thread, while it registers. Set and
     * cleared by the spawner; read by {@code VirtualG.execute}.
     */
    volatile Thread vregistrar;
    /**
     * Virtual mode: the thread builder whose scheduler feeds this G; made once per G object, by its first
     * spawner (a dead G is handed to one spawner at a time), and reused.
     */
    Object vbuilder;
    /** Virtual mode: the body of this G's threads (runs {@link #task}); made and reused like {@link #vbuilder}. */
    Runnable vbody;
    /** Virtual mode: the user's task ({@code fn} is the thread's continuation). Same writers as {@code vthread}. */
    Runnable task;
    /** Virtual mode: the task has returned. Written by the G's thread, read by its carrier M right after. */
    boolean vdone;
    /**
     * Virtual mode: the G has run at least once, so it cannot be dropped from a queue at shutdown. Reset by the
     * spawner, set by the M that first runs it.
     */
    volatile boolean vstarted;
    /**
     * Virtual mode: the G yields ({@code Go.yield}): its wake-up goes to the global queue, as Go's Gosched does.
     * Written by the G's own thread around the yield; read by whoever queues its wake-up.
     */
    volatile boolean yielding;
    /**
     * Virtual mode: a wake-up that arrived while the G was still mounted; set by the waker, claimed (CAS) by the
     * waker or the G's M, reset by the spawner; see the class comment.
     */
    final AtomicBoolean readyPending = new AtomicBoolean();

    G() {
    }

    long word() {
        return (long) WORD.getVolatile(this);
    }

    static GStatus state(long word) {
        return GStatus.ofOrdinal((int) (word & STATE_MASK));
    }

    static boolean scanning(long word) {
        return (word & SCAN) != 0;
    }

    /** The current state, ignoring the scan bit. */
    public GStatus status() {
        return state(word());
    }

    /** The id of the current incarnation. */
    public long id() {
        return id;
    }

    /** What this G serves, or {@code null}: see {@link GoroutineLabel}. */
    public String label() {
        return label;
    }

    /**
     * Moves the word from {@code expect} to {@code to}, bumping the transition count and clearing the scan bit.
     *
     * @return whether the CAS won
     */
    boolean cas(long expect, GStatus to) {
        return WORD.compareAndSet(this, expect, next(expect, to));
    }

    /** The word that {@link #cas} writes when it moves {@code expect} to {@code to}. */
    static long next(long expect, GStatus to) {
        return ((expect & ~LOW_BITS) + (1L << 8)) | to.ordinal();
    }

    /**
     * Moves the word from {@code expect} to RUNNING, the G having got a P at {@code now}. The time goes first: sysmon
     * must not judge a G that has just started by an earlier run's age. A failed CAS leaves a time newer than the
     * real start, which only makes sysmon more patient. Only the G's own M calls this.
     */
    boolean startRunning(long expect, long now) {
        runningSince = now;
        return cas(expect, GStatus.RUNNING);
    }

    /**
     * The G's own M takes it off the M, to DEAD ({@code goexit}) or WAITING ({@code park_m}), from RUNNING, SYSCALL
     * or PREEMPTED, waiting out a scan bit.
     *
     * @return whether the G still held its P (it was RUNNING, not detached)
     */
    boolean leaveM(GStatus to) {
        while (true) {
            long w = awaitUnscanned();
            GStatus st = state(w);
            if (st != GStatus.RUNNING && st != GStatus.SYSCALL && st != GStatus.PREEMPTED) {
                throw new IllegalStateException(to + ": " + this + " in unexpected state");
            }
            if (cas(w, to)) {
                return st == GStatus.RUNNING;
            }
        }
    }

    /** The status word once its scan bit is clear (the G's own M holds it only for a few instructions). */
    long awaitUnscanned() {
        while (true) {
            long w = word();
            if (!scanning(w)) {
                return w;
            }
            Thread.onSpinWait();
        }
    }

    /** CAS from exactly {@code from} (scan bit clear) to {@code to}; for owners that know the state. */
    boolean casStatus(GStatus from, GStatus to) {
        long w = word();
        return (w & LOW_BITS) == from.ordinal() && cas(w, to);
    }

    /** Sets the scan bit on a clean RUNNING word; fails when the G has been detached meanwhile. */
    boolean tryScan(long expect) {
        return (expect & LOW_BITS) == GStatus.RUNNING.ordinal()
                && WORD.compareAndSet(this, expect, (expect + (1L << 8)) | SCAN);
    }

    /** Clears the scan bit; only the M that set it calls this. */
    void unscan() {
        long w = word();
        WORD.setVolatile(this, ((w & ~LOW_BITS) + (1L << 8)) | (w & STATE_MASK));
    }

    /**
     * Unconditional store, for a G nobody else can see (new, or just taken off a free list): a release store, as the
     * run queue or free list that publishes the G orders it before any reader.
     */
    void setStatus(GStatus to) {
        long w = word();
        WORD.setRelease(this, ((w & ~LOW_BITS) + (1L << 8)) | to.ordinal());
    }

    @Override
    public String toString() {
        return "G" + id + "[" + status() + "]";
    }
}
