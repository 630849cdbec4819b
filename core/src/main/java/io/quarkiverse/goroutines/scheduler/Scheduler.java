package io.quarkiverse.goroutines.scheduler;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A Go-style G/M/P scheduler that runs {@link Runnable}s as goroutines.
 *
 * <h2>Overview</h2>
 * Three kinds of object take part (the names are Go's, see {@code runtime/proc.go}):
 * <ul>
 * <li><b>G</b> — a goroutine: one submitted task. Gs are recycled through free lists.</li>
 * <li><b>M</b> — a machine: an OS thread, made by the configured {@code ThreadFactory}.</li>
 * <li><b>P</b> — a processor: the right to run Gs. There are {@code procs} Ps (Go's {@code GOMAXPROCS}); an M must
 * hold one to run a G, so at most {@code procs} Gs run user code at any moment, however many Ms exist.</li>
 * </ul>
 * Each P has a local run queue ({@link RunQueue}: a lock-free ring plus a {@code runnext} slot). Work from outside
 * the scheduler goes to the global run queue; Gs spawned by a running G go to its P's queue. An M out of work steals
 * half of another P's queue ("spinning"); an M that finds nothing gives its P back and parks on the idle-M list.
 *
 * <h2>Blocking</h2>
 * A G that blocks would pin its P. Blocking that is announced ({@link #syscall(Callable)}, Go's
 * {@code entersyscall}/{@code exitsyscall}) leaves the P in {@link PStatus#SYSCALL} where {@link Sysmon} retakes it
 * and hands it to another M ({@link #handoffp}); when work already waits for the P it is handed off at entry.
 * Blocking that nobody announced is detected by sysmon from the M's thread state and CPU time, and treated the same
 * way ("detaching" the G). When the blocked call returns, the M needs a P again: it takes its old one back with one
 * CAS if nobody took it, else an idle one, else it waits on its own thread — a platform thread's stack cannot move to
 * another M — and such waiting Gs are given Ps before any queued G starts ({@code exitsyscallq}).
 *
 * <h2>Implementation notes</h2>
 * <ul>
 * <li>One lock, {@link #lock} (Go's {@code sched.lock}), guards the global run queue, the idle-P and idle-M lists,
 * the {@code exitsyscallq}, the M count and stop-the-world bookkeeping. Run queues of Ps are lock-free.</li>
 * <li>Ownership of a P changes only through its status: see {@link PStatus}. A running G's M is only ever taken its
 * P by a CAS on the G's status word ({@link G}), so the M and sysmon cannot both believe they own the P.</li>
 * <li>Spinning and wake-ups follow Go: a submitter enqueues, then reads {@code nmspinning}/{@code npidle} and starts
 * one spinning M if none spins ({@link #wakep}). A spinning M that gives up first decrements {@code nmspinning},
 * then rechecks every queue. Both sides use sequentially consistent atomics, so a G enqueued concurrently with an
 * M going idle is seen by one of them.</li>
 * <li>Invariant: {@code exitsyscallq} non-empty ⇒ idle-P list empty. Every P that becomes free goes through
 * {@link #pidleputLocked}, which serves waiting Gs first.</li>
 * <li>No OS thread is started on a thread that only submits work: such callers pass M starts to the template
 * thread (Go's {@code newmHandoff}). Ms, sysmon and the template thread start threads directly.</li>
 * </ul>
 */
public final class Scheduler extends AbstractExecutorService {
    private static final Logger LOG = Logger.getLogger(Scheduler.class.getName());
    /** The M running on the current thread, if any. */
    static final ThreadLocal<M> CURRENT_M = new ThreadLocal<>();
    /** The G of the current virtual thread, if it is a virtual G (a virtual thread does not see its carrier's M). */
    static final ThreadLocal<G> CURRENT_VG = new ThreadLocal<>();

    /** Every 61st schedule tick takes a G from the global queue first (Go's fairness constant). */
    static final int GLOBAL_FAIRNESS_TICKS = 61;
    static final int STEAL_TRIES = 4;
    /** A time slice shared by a chain of runnext Gs (Go's {@code forcePreemptNS}). */
    static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private static final int ACCEPTING = 0;
    private static final int SHUTDOWN = 1;
    private static final int STOPPING = 2;
    private static final int TERMINATED = 3;

    final SchedulerConfig config;
    final long startNanos = System.nanoTime();
    /** Whether Gs are virtual threads ({@link SchedulerMode#VIRTUAL} in effect). */
    private final boolean virtual;
    private final String modeReason;

    /** Go's {@code sched.lock}. */
    final ReentrantLock lock = new SchedLock();
    private final Condition stateChanged = lock.newCondition();

    /**
     * Every P ever made; {@code allp[0 .. gomaxprocs)} are live, the rest DEAD. These three are written only by
     * {@code procresize}, with the world stopped and the lock held; everyone else reads them.
     */
    volatile P[] allp;
    volatile int gomaxprocs;
    private volatile StealOrder stealOrder;

    /** Idle Ps and idle Ms: under the lock; {@code npidle} mirrors the size for lock-free checks. */
    private final ArrayDeque<P> pidle = new ArrayDeque<>();
    final AtomicInteger npidle = new AtomicInteger();
    private final ArrayDeque<M> midle = new ArrayDeque<>();
    final AtomicInteger nmspinning = new AtomicInteger();
    /** Every M whose thread lives or is starting; written under the lock. Its size is the M count. */
    private final List<M> allm = new ArrayList<>();
    /** A copy of {@link #allm}, republished under the lock at every change, for lock-free readers. */
    private volatile M[] allmView = new M[0];
    private long mnext;

    /** The global run queue: under the lock; {@code runqsize} mirrors its size, written under the lock too. */
    private final ArrayDeque<G> runq = new ArrayDeque<>();
    volatile int runqsize;
    /** Gs back from a blocking call, waiting on their own M for a P; served before any queued G. */
    private final ArrayDeque<G> exitsyscallq = new ArrayDeque<>();
    /** Size of {@link #exitsyscallq}, written under the lock. */
    volatile int nexitsyscall;

    private final GFreeList gFree = new GFreeList();
    private final AllGs allgs = new AllGs();
    private final AtomicLong goidgen = new AtomicLong();
    /** Gs made and not yet started; bounded by {@code maxRunnable}. */
    final AtomicInteger nrunnable = new AtomicInteger();
    /** Gs made and not yet dead. */
    final AtomicInteger ngoroutines = new AtomicInteger();

    /** Stop-the-world pending; written under the lock by the stopping thread. */
    volatile boolean gcwaiting;
    /** Ps still to stop; under the lock. */
    private int stopwait;
    private final Object resizeLock = new Object();

    /** ACCEPTING → SHUTDOWN → STOPPING → TERMINATED; only moves forward, always under the lock. */
    private volatile int runState = ACCEPTING;
    /** M threads that left their loop while stopping; joined by awaitTermination so that none outlives it. */
    private final List<Thread> exiting = new ArrayList<>();
    private final Sysmon sysmon;
    private final TemplateThread templateThread;
    final SchedStats stats = new SchedStats();

    private Scheduler(SchedulerConfig config) {
        this.config = config;
        int n = config.procs();
        P[] ps = new P[n];
        for (int i = 0; i < n; i++) {
            ps[i] = new P(i);
        }
        this.allp = ps;
        this.gomaxprocs = n;
        this.stealOrder = new StealOrder(n);
        this.sysmon = new Sysmon(this);
        this.templateThread = new TemplateThread(this);
        String unavailable = config.mode() == SchedulerMode.PLATFORM ? null : VirtualThreads.unavailableReason();
        this.virtual = config.mode() != SchedulerMode.PLATFORM && unavailable == null;
        if (config.mode() == SchedulerMode.PLATFORM) {
            this.modeReason = "platform mode configured";
        } else if (virtual) {
            this.modeReason = config.mode() == SchedulerMode.VIRTUAL ? "virtual mode configured"
                    : "Java " + Runtime.version().feature() + " runs virtual threads on this scheduler";
        } else {
            this.modeReason = unavailable;
        }
        if (config.mode() == SchedulerMode.VIRTUAL && !virtual) {
            LOG.warning(config.name() + " scheduler: virtual mode is not available, running in platform mode: "
                    + unavailable);
        }
    }

    /**
     * Makes and starts a scheduler: its Ps, sysmon, the template thread and one M per P. Call it from a thread that
     * may block briefly (it starts threads), never from an event loop.
     */
    public static Scheduler start(SchedulerConfig config) {
        Scheduler s = new Scheduler(Objects.requireNonNull(config, "config"));
        s.lock.lock();
        try {
            for (P p : s.allp) {
                s.pidleputLocked(p);
            }
        } finally {
            s.lock.unlock();
        }
        s.templateThread.start();
        s.sysmon.start();
        // Prefill: one parked M per P, so that the first requests do not wait for thread starts.
        for (int i = 0; i < s.gomaxprocs; i++) {
            M m = s.newmLocked();
            if (m != null) {
                s.startThread(m);
            }
        }
        return s;
    }

    public SchedulerConfig config() {
        return config;
    }

    public String name() {
        return config.name();
    }

    /** The mode in effect: {@link SchedulerMode#VIRTUAL} or {@link SchedulerMode#PLATFORM}, never AUTO. */
    public SchedulerMode mode() {
        return virtual ? SchedulerMode.VIRTUAL : SchedulerMode.PLATFORM;
    }

    /** Why {@link #mode()} is what it is, e.g. that the JDK refused the virtual-thread hook. */
    public String modeReason() {
        return modeReason;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Making Gs (Go's newproc, gfget, gfput)

    /**
     * Runs {@code task} as a new G. Never blocks and never starts a thread on the calling thread.
     *
     * @throws RejectedExecutionException when the scheduler is shut down, or when {@code maxRunnable} Gs are
     *         already queued
     */
    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        // Count the G first, then look at the run state: shutdown() sets the state, then reads the count, so
        // either it sees this G and waits for it, or this call sees the shutdown and rejects.
        ngoroutines.incrementAndGet();
        if (runState != ACCEPTING) {
            reject();
            throw new RejectedExecutionException(name() + " scheduler is shut down");
        }
        if (nrunnable.incrementAndGet() > config.maxRunnable()) {
            nrunnable.decrementAndGet();
            reject();
            throw new RejectedExecutionException(name() + " scheduler is saturated: " + config.maxRunnable()
                    + " goroutines are already queued (max-runnable)");
        }
        if (virtual) {
            newprocVirtual(task);
        } else {
            newproc(task);
        }
    }

    private void reject() {
        stats.rejected.incrementAndGet();
        if (ngoroutines.decrementAndGet() == 0 && runState == SHUTDOWN) {
            tryTerminate();
        }
    }

    private void newproc(Runnable fn) {
        M m = currentM();
        if (m != null && m.sched == this) {
            G cur = m.curg;
            if (cur != null) {
                long w = cur.word();
                if (cur.tryScan(w)) {
                    // Our G still owns its P, and cannot lose it until unscan: put the new G on the P's queue.
                    try {
                        P p = m.p;
                        G g = gfget(p);
                        initG(g, fn);
                        p.runq.put(g, true, this::globrunqputBatch);
                    } finally {
                        cur.unscan();
                    }
                    wakep();
                    return;
                }
            }
        }
        G g = gfget(null);
        initG(g, fn);
        globrunqputAndWake(g);
    }

    /** Puts {@code g} on the global queue and makes sure somebody will run it. */
    private void globrunqputAndWake(G g) {
        lock.lock();
        try {
            globrunqputLocked(g);
        } finally {
            lock.unlock();
        }
        wakep();
        if (npidle.get() == 0 && nmspinning.get() == 0) {
            // Every P is busy: if one of them is stuck, sysmon should notice soon.
            sysmon.wake();
        }
    }

    /**
     * Puts a runnable {@code g} on the P of the G that runs the caller ({@code runnext} when {@code next}, as Go's
     * {@code newproc} and {@code ready} do), or on the global queue when the caller holds no P of this scheduler.
     */
    private void runqputCurrent(G g, boolean next) {
        M m = currentM();
        if (m != null && m.sched == this) {
            G cur = m.curg;
            if (cur != null && cur != g) {
                long w = cur.word();
                if (cur.tryScan(w)) {
                    // A virtual G's thread must not park while its scan bit is set (its M would wait for the bit
                    // forever), and taking the scheduler lock may park it: it spills an overflow after unscan.
                    Spill spill = CURRENT_M.get() == m ? null : new Spill();
                    try {
                        m.p.runq.put(g, next, spill == null ? this::globrunqputBatch : spill);
                    } finally {
                        cur.unscan();
                    }
                    if (spill != null && spill.batch != null) {
                        globrunqputBatch(spill.batch);
                    }
                    wakep();
                    return;
                }
            }
        }
        globrunqputAndWake(g);
    }

    /** An overflow batch held until the caller may take the scheduler lock. */
    private static final class Spill implements java.util.function.Consumer<List<G>> {
        List<G> batch;

        @Override
        public void accept(List<G> gs) {
            batch = gs;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Virtual Gs (virtual mode): a G is a virtual thread whose continuation the Ms run

    /**
     * Virtual mode's {@code newproc}: makes a virtual thread for {@code task} whose scheduler is this G's entry
     * ({@link VirtualG}), starts it (which hands us its continuation without running anything), and queues the G.
     */
    private void newprocVirtual(Runnable task) {
        G g = gfget(null);
        g.id = goidgen.incrementAndGet();
        g.createdNanos = System.nanoTime();
        g.waitReason = null;
        g.lockedm = null;
        g.m = null;
        g.fn = null;
        g.task = task;
        g.vdone = false;
        g.vstarted = false;
        g.yielding = false;
        g.readyPending.set(false);
        if (g.vbuilder == null) {
            g.vbuilder = VirtualThreads.builder(new VirtualG(this, g));
        }
        try {
            Thread t = VirtualThreads.unstarted(g.vbuilder, () -> runVirtual(g));
            g.vthread = t;
            g.vregistrar = Thread.currentThread();
            t.start(); // calls VirtualG.execute once, which records the continuation in g.fn
        } catch (RuntimeException | Error e) {
            g.vregistrar = null;
            g.vthread = null;
            g.task = null;
            g.fn = null;
            gFree.put(g);
            nrunnable.decrementAndGet();
            reject();
            throw new RejectedExecutionException(name() + " scheduler could not start a virtual thread", e);
        }
        g.setStatus(GStatus.RUNNABLE);
        runqputCurrent(g, true);
    }

    /** The body of a virtual G's thread: the user's task, with a failure logged as a platform G's is. */
    private void runVirtual(G g) {
        CURRENT_VG.set(g);
        try {
            g.task.run();
        } catch (Throwable t) {
            stats.panics.incrementAndGet();
            LOG.log(Level.WARNING, "goroutine " + g.id + " failed; its M carries on", t);
        } finally {
            g.vdone = true;
        }
    }

    /**
     * Go's {@code ready}: the virtual G's thread was unparked (or yielded) and hands its continuation back. A G that
     * is still mounted has not been seen parking by its M yet: the wake-up is left for the M ({@code readyPending}),
     * unless the M finished parking it meanwhile, in which case it is taken back here. See {@link G}.
     */
    void ready(G g) {
        while (true) {
            long w = g.word();
            GStatus s = G.state(w);
            if (s == GStatus.WAITING) {
                if (g.cas(w, GStatus.RUNNABLE)) {
                    enqueueReady(g, null);
                    return;
                }
                continue;
            }
            g.readyPending.set(true);
            if (g.status() != GStatus.WAITING || !g.readyPending.compareAndSet(true, false)) {
                return; // the M claims it when it parks the G
            }
        }
    }

    /**
     * Queues a virtual G that has just become RUNNABLE again. After {@code Go.yield} it goes to the global queue
     * (Gosched). A wake-up its own M claimed goes to the tail of that M's P ({@code tailOf}), so that it does not
     * jump the queue. Any other wake-up goes to the waker's P as {@code runnext} (Go's {@code ready}), or to the
     * global queue when the waker holds no P.
     */
    private void enqueueReady(G g, P tailOf) {
        g.waitReason = null;
        nrunnable.incrementAndGet();
        if (g.yielding) {
            globrunqputAndWake(g);
        } else if (tailOf != null) {
            tailOf.runq.put(g, false, this::globrunqputBatch);
            wakep();
        } else {
            runqputCurrent(g, true);
        }
    }

    /**
     * Go's {@code park_m} for a virtual G whose continuation returned while its task had not: the thread parked (or
     * yielded). The G leaves its M as WAITING; a wake-up that raced in while it was mounted is claimed here and the G
     * queued at once, at the tail of this P's queue (or globally after a yield), so that it does not jump the
     * queue. A detached G (SYSCALL, PREEMPTED) parks the same way, and its M then needs a P again.
     */
    private void parkVirtual(M m, G g) {
        boolean attached;
        while (true) {
            long w = g.word();
            if (G.scanning(w)) {
                Thread.onSpinWait();
                continue;
            }
            GStatus s = G.state(w);
            if (s != GStatus.RUNNING && s != GStatus.SYSCALL && s != GStatus.PREEMPTED) {
                throw new IllegalStateException("park: " + g + " in unexpected state");
            }
            g.waitReason = "park";
            if (g.cas(w, GStatus.WAITING)) {
                attached = s == GStatus.RUNNING;
                break;
            }
        }
        m.curg = null;
        if (g.readyPending.compareAndSet(true, false) && g.casStatus(GStatus.WAITING, GStatus.RUNNABLE)) {
            // m.curg is null now, so without a P of its own the G goes to the global queue
            enqueueReady(g, attached ? m.p : null);
        }
        if (!attached) {
            reattach(m);
        }
    }

    /** The M running the caller: the current thread's own, or for a virtual G the carrier it is mounted on. */
    static M currentM() {
        M m = CURRENT_M.get();
        if (m != null) {
            return m;
        }
        G g = CURRENT_VG.get();
        return g == null ? null : g.m;
    }

    private void initG(G g, Runnable fn) {
        g.fn = fn;
        g.id = goidgen.incrementAndGet();
        g.createdNanos = System.nanoTime();
        g.waitReason = null;
        g.lockedm = null;
        g.m = null;
        g.setStatus(GStatus.RUNNABLE);
    }

    /** Go's {@code gfget}: a dead G from {@code p}'s free list (refilled from the global one), or a new G. */
    private G gfget(P p) {
        if (p != null) {
            if (p.gFree.isEmpty()) {
                gFree.refill(p.gFree, P.GFREE_KEEP);
            }
            G g = p.gFree.poll();
            p.gFreeCount = p.gFree.size();
            if (g != null) {
                return g;
            }
        } else {
            G g = gFree.get();
            if (g != null) {
                return g;
            }
        }
        return allgs.add();
    }

    /** Go's {@code gfput}: a dead G onto {@code p}'s free list; at 64, spill to the global list down to 32. */
    private void gfput(P p, G g) {
        if (p == null) {
            gFree.put(g);
            return;
        }
        p.gFree.push(g);
        if (p.gFree.size() >= P.GFREE_MAX) {
            gFree.spill(p.gFree, P.GFREE_KEEP);
        }
        p.gFreeCount = p.gFree.size();
    }

    // ---------------------------------------------------------------------------------------------------------
    // The global run queue (under lock)

    private void globrunqputLocked(G g) {
        runq.addLast(g);
        runqsize = runq.size();
    }

    /** Overflow of a local queue: half of it plus one G, in one batch (Go's runqputslow). */
    private void globrunqputBatch(List<G> batch) {
        lock.lock();
        try {
            runq.addAll(batch);
            runqsize = runq.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Go's {@code globrunqget}: one G to run now and up to a fair share more for {@code p}'s local queue:
     * min(size, size / procs + 1, max, 128).
     */
    private G globrunqgetLocked(P p, int max) {
        int size = runq.size();
        if (size == 0) {
            return null;
        }
        int n = Math.min(size, size / gomaxprocs + 1);
        if (max > 0 && n > max) {
            n = max;
        }
        n = Math.min(n, RunQueue.SIZE / 2);
        G g = runq.pollFirst();
        for (int i = 1; i < n; i++) {
            p.runq.put(runq.pollFirst(), false, this::globrunqputBatch);
        }
        runqsize = runq.size();
        return g;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Ps and Ms (Go's pidleput, pidleget, mput, mget, acquirep, releasep, startm, stopm, wakep, handoffp)

    /**
     * A P that nobody owns any more becomes free. Stop-the-world takes it first, then a G waiting to come back from
     * a blocking call, then the idle list. The P's run queue must be empty unless it goes to a waiting G.
     */
    void pidleputLocked(P p) {
        p.m = null;
        if (gcwaiting) {
            p.setStatus(PStatus.GCSTOP);
            if (--stopwait == 0) {
                stateChanged.signalAll();
            }
            return;
        }
        G waiter = exitsyscallq.pollFirst();
        if (waiter == null && !runq.isEmpty()) {
            // Only when an M could not be started for queued work: a yielded G there can only run on its own M.
            waiter = takeLockedGLocked();
        }
        if (waiter != null) {
            nexitsyscall = exitsyscallq.size();
            p.setStatus(PStatus.IDLE);
            handToLockedM(waiter, p);
            return;
        }
        if (!p.runq.isEmpty()) {
            // Only reached when a hand-off could not start an M: keep the work where every M looks.
            List<G> gs = new ArrayList<>();
            p.runq.drainTo(gs);
            runq.addAll(gs);
            runqsize = runq.size();
        }
        p.setStatus(PStatus.IDLE);
        pidle.push(p);
        npidle.incrementAndGet();
    }

    /** The first G in the global queue that waits on its own M (a yielded G), removed; or null. */
    private G takeLockedGLocked() {
        for (java.util.Iterator<G> it = runq.iterator(); it.hasNext();) {
            G g = it.next();
            if (g.lockedm != null) {
                it.remove();
                runqsize = runq.size();
                return g;
            }
        }
        return null;
    }

    private P pidlegetLocked() {
        P p = pidle.poll();
        if (p != null) {
            npidle.decrementAndGet();
        }
        return p;
    }

    private void acquirep(M m, P p) {
        p.m = m;
        m.p = p;
        p.setStatus(PStatus.RUNNING);
    }

    private P releasep(M m) {
        P p = m.p;
        m.p = null;
        p.m = null;
        return p;
    }

    /** Wakes the M of a started G (locked to it) and gives it {@code p}. */
    private void handToLockedM(G g, P p) {
        M lm = g.lockedm;
        lm.nextp = p;
        lm.park.wakeup();
    }

    /**
     * Go's {@code wakep}: if nobody spins and a P is idle, start one spinning M. Called after new work appears.
     */
    void wakep() {
        // No idle P: every P has an M that looks at the queues before it parks, so nobody needs waking. Checked
        // without the lock first, as Go's callers check npidle before wakep.
        if (npidle.get() == 0 || nmspinning.get() != 0 || !nmspinning.compareAndSet(0, 1)) {
            return;
        }
        P p;
        lock.lock();
        try {
            p = pidlegetLocked();
        } finally {
            lock.unlock();
        }
        if (p == null) {
            nmspinning.decrementAndGet();
            return;
        }
        startm(p, true);
    }

    /**
     * Go's {@code startm}: runs {@code p} on an idle M, or a new one. If {@code spinning}, the caller has already
     * counted the M in {@code nmspinning}.
     */
    void startm(P p, boolean spinning) {
        M m;
        lock.lock();
        try {
            m = midle.poll();
            if (m != null) {
            } else {
                m = newmLocked();
            }
            if (m == null) {
                // Out of Ms: the P goes back, its work to the global queue, and whoever frees up runs it.
                if (spinning) {
                    nmspinning.decrementAndGet();
                }
                pidleputLocked(p);
                return;
            }
        } finally {
            lock.unlock();
        }
        m.spinning = spinning;
        m.nextp = p;
        if (m.thread == null) {
            if (mayStartThreads()) {
                startThread(m);
            } else {
                templateThread.newm(m);
            }
        } else {
            m.park.wakeup();
        }
    }

    /** Reserves a new M under the cap; its thread is started by the caller. Null when the cap is reached. */
    private M newmLocked() {
        boolean locked = lock.isHeldByCurrentThread();
        if (!locked) {
            lock.lock();
        }
        try {
            if (runState >= STOPPING) {
                return null;
            }
            if (allm.size() >= config.maxThreads()) {
                stats.mLimitHits.incrementAndGet(); // sysmon logs it, outside the lock
                sysmon.wake();
                return null;
            }
            M m = new M(++mnext, this);
            allm.add(m);
            allmView = allm.toArray(new M[0]);
            return m;
        } finally {
            if (!locked) {
                lock.unlock();
            }
        }
    }

    /** Called by sysmon when the M cap was hit since its last pass; at most one error every 10 s. */
    void reportMLimit(long now) {
        int blocked = countBlocked();
        if (blocked > 0 && (lastMLimitReport == 0 || now - lastMLimitReport > TimeUnit.SECONDS.toNanos(10))) {
            lastMLimitReport = now;
            LOG.severe(name() + " scheduler cannot start another M: max-threads=" + config.maxThreads()
                    + " reached (" + blocked + " Ms are blocked in calls). Work waits until an M is free;"
                    + " raise max-threads (quarkus.goroutines.max-threads) if that much blocking is expected.");
        }
    }

    private long lastMLimitReport;

    private int countBlocked() {
        int n = 0;
        for (M m : allmView) {
            G g = m.curg;
            GStatus st = g == null ? null : g.status();
            if (st == GStatus.SYSCALL || st == GStatus.PREEMPTED) {
                n++;
            }
        }
        return n;
    }

    /** Whether the current thread may start OS threads: an M, sysmon or the template thread. */
    private boolean mayStartThreads() {
        M cur = CURRENT_M.get();
        return (cur != null && cur.sched == this) || Thread.currentThread() == sysmon.thread()
                || Thread.currentThread() == templateThread.thread();
    }

    void startThread(M m) {
        try {
            Thread t = config.threadFactory().newThread(() -> mstart(m));
            m.thread = t;
            t.start();
        } catch (Throwable e) {
            LOG.log(Level.SEVERE, name() + " scheduler could not start an M thread", e);
            mfail(m);
        }
    }

    /** An M whose thread could not start gives back its P and its place under the cap. */
    private void mfail(M m) {
        lock.lock();
        try {
            allm.remove(m);
            allmView = allm.toArray(new M[0]);
            P p = m.nextp;
            m.nextp = null;
            if (m.spinning) {
                m.spinning = false;
                nmspinning.decrementAndGet();
            }
            if (p != null) {
                pidleputLocked(p);
            }
            stateChanged.signalAll();
        } finally {
            lock.unlock();
        }
        wakep();
    }

    /**
     * Go's {@code stopm}: parks the M on the idle list until someone hands it a P.
     *
     * @return false when the M must exit instead
     */
    private boolean stopm(M m) {
        lock.lock();
        try {
            if (runState >= STOPPING) {
                return false;
            }
            if (runqsize > 0 && npidle.get() > 0) {
                // A start of an M may have failed at the cap between our P release and now: take the work.
                acquirep(m, pidlegetLocked());
                return true;
            }
            midle.push(m);
        } finally {
            lock.unlock();
        }
        m.park.sleep();
        m.park.clear();
        P p = m.nextp;
        m.nextp = null;
        if (p == null) {
            return false; // woken to exit
        }
        acquirep(m, p);
        return true;
    }

    /**
     * Go's {@code handoffp}: {@code p} has no M (retaken from a syscall, or released before a long call). Start an
     * M for it if there is work; make it a spinner if nobody spins and nothing is idle; else it goes free.
     */
    void handoffp(P p) {
        if (nexitsyscall == 0 && !gcwaiting) {
            if (!p.runq.isEmpty() || runqsize > 0) {
                startm(p, false);
                return;
            }
            if (nmspinning.get() + npidle.get() == 0 && nmspinning.compareAndSet(0, 1)) {
                startm(p, true);
                return;
            }
        }
        boolean start;
        lock.lock();
        try {
            // Recheck under the lock: a G queued since the look above must not wait behind an idle P.
            start = !gcwaiting && nexitsyscall == 0 && (runqsize > 0 || !p.runq.isEmpty());
            if (!start) {
                pidleputLocked(p);
            }
        } finally {
            lock.unlock();
        }
        if (start) {
            startm(p, false);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The M loop (Go's mstart, schedule, findRunnable, execute, goexit)

    private void mstart(M m) {
        CURRENT_M.set(m);
        m.thread = Thread.currentThread();
        m.tid = OsThreads.currentTid();
        try {
            P p = m.nextp;
            m.nextp = null;
            if (p != null) {
                acquirep(m, p);
            } else if (!stopm(m)) {
                return;
            }
            while (!m.exit && schedule(m)) {
                // one G per round
            }
        } finally {
            mexit(m);
            CURRENT_M.remove();
        }
    }

    private void mexit(M m) {
        lock.lock();
        try {
            if (m.p != null) {
                P p = releasep(m);
                pidleputLocked(p);
            }
            if (m.spinning) {
                m.spinning = false;
                nmspinning.decrementAndGet();
            }
            midle.remove(m);
            allm.remove(m);
            allmView = allm.toArray(new M[0]);
            if (runState >= STOPPING) {
                exiting.add(Thread.currentThread()); // awaitTermination joins it
            }
            if (runState == STOPPING && allm.isEmpty()) {
                runState = TERMINATED;
            }
            stateChanged.signalAll();
        } finally {
            lock.unlock();
        }
        if (runState >= STOPPING) {
            sysmon.wake();
            templateThread.wake();
        }
    }

    /**
     * One round of Go's {@code schedule}: find a G and run it.
     *
     * @return false when the M must exit
     */
    private boolean schedule(M m) {
        RunQueue.Next next = findRunnable(m);
        if (next == null) {
            return false;
        }
        if (m.spinning) {
            resetspinning(m);
        }
        G g = next.g();
        M lm = g.lockedm;
        if (lm != null) {
            // A started G waits on its own M: hand our P over and park (Go's startlockedm).
            P p = releasep(m);
            p.setStatus(PStatus.IDLE);
            handToLockedM(g, p);
            return stopm(m);
        }
        execute(m, g, next.inheritTime());
        return true;
    }

    /** A spinning M found work: stop spinning, and wake another spinner to look for more (Go's cascade). */
    private void resetspinning(M m) {
        m.spinning = false;
        if (nmspinning.decrementAndGet() < 0) {
            throw new IllegalStateException("resetspinning: negative nmspinning");
        }
        wakep();
    }

    /**
     * Go's {@code findRunnable}: returns a G for {@code m} to run, parking the M while there is none. Returns null
     * when the M must exit.
     */
    private RunQueue.Next findRunnable(M m) {
        while (true) {
            P p = m.p;
            if (p == null) {
                return null;
            }
            if (gcwaiting) {
                if (!gcstopm(m)) {
                    return null;
                }
                continue;
            }
            if (nexitsyscall > 0) {
                lock.lock();
                try {
                    G waiter = exitsyscallq.pollFirst();
                    if (waiter != null) {
                        nexitsyscall = exitsyscallq.size();
                        return new RunQueue.Next(waiter, false);
                    }
                } finally {
                    lock.unlock();
                }
            }
            if (p.schedtick % GLOBAL_FAIRNESS_TICKS == 0 && runqsize > 0) {
                G g = globrunqget(p, 1);
                if (g != null) {
                    return new RunQueue.Next(g, false);
                }
            }
            RunQueue.Next local = p.runq.get();
            if (local != null) {
                if (local.inheritTime() && System.nanoTime() - p.sliceStart > SLICE_NANOS && !p.runq.isEmpty()) {
                    // A chain of Gs handing runnext to each other (spawn-and-exit, channel ping-pong) has used up
                    // a whole slice while others wait: this one goes to the tail. Go ends such a chain by
                    // preempting it after the same 10 ms.
                    p.runq.put(local.g(), false, this::globrunqputBatch);
                    continue; // takes the head (or, if thieves emptied the queue meanwhile, looks elsewhere)
                }
                return local;
            }
            if (runqsize > 0) {
                G g = globrunqget(p, 0);
                if (g != null) {
                    return new RunQueue.Next(g, false);
                }
            }
            int procs = gomaxprocs;
            if (m.spinning || 2 * nmspinning.get() < procs - npidle.get()) {
                if (!m.spinning) {
                    m.spinning = true;
                    nmspinning.incrementAndGet();
                }
                G g = stealWork(p);
                if (g != null) {
                    return new RunQueue.Next(g, false);
                }
                if (gcwaiting) {
                    continue;
                }
            }
            // Nothing to do: give the P back.
            lock.lock();
            try {
                if (gcwaiting) {
                    continue;
                }
                if (runqsize > 0) {
                    G g = globrunqgetLocked(p, 0);
                    return new RunQueue.Next(g, false);
                }
                if (!p.runq.isEmpty()) {
                    continue; // a thief put back nothing, but runnext may have been set by a finishing G
                }
                releasep(m);
                pidleputLocked(p);
            } finally {
                lock.unlock();
            }
            if (m.spinning) {
                m.spinning = false;
                if (nmspinning.decrementAndGet() < 0) {
                    throw new IllegalStateException("findRunnable: negative nmspinning");
                }
                // Decrement first, then recheck: a submitter that saw nmspinning > 0 did not wake anyone.
                if (anyWork()) {
                    P again;
                    lock.lock();
                    try {
                        again = pidlegetLocked();
                    } finally {
                        lock.unlock();
                    }
                    if (again != null) {
                        acquirep(m, again);
                        m.spinning = true;
                        nmspinning.incrementAndGet();
                        continue;
                    }
                }
            }
            if (!stopm(m)) {
                return null;
            }
        }
    }

    private G globrunqget(P p, int max) {
        lock.lock();
        try {
            return globrunqgetLocked(p, max);
        } finally {
            lock.unlock();
        }
    }

    private boolean anyWork() {
        if (runqsize > 0) {
            return true;
        }
        P[] ps = allp;
        int n = gomaxprocs;
        for (int i = 0; i < n; i++) {
            if (!ps[i].runq.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Go's {@code stealWork}: up to 4 rounds over all Ps in a random order with a stride coprime to {@code procs};
     * takes half of the first non-empty queue found. Only the last round may take a victim's {@code runnext}.
     */
    private G stealWork(P p) {
        P[] ps = allp;
        int procs = gomaxprocs;
        StealOrder order = stealOrder;
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int round = 0; round < STEAL_TRIES; round++) {
            boolean last = round == STEAL_TRIES - 1;
            int pos = rnd.nextInt(order.count);
            int inc = order.coprimes[rnd.nextInt(order.coprimes.length)];
            for (int i = 0; i < order.count; i++, pos = (pos + inc) % order.count) {
                if (gcwaiting) {
                    return null;
                }
                if (pos >= procs) {
                    continue;
                }
                P victim = ps[pos];
                if (victim == p) {
                    continue;
                }
                PStatus vs = victim.status();
                if (vs == PStatus.IDLE || vs == PStatus.DEAD) {
                    continue;
                }
                if (!victim.runq.isEmpty()) {
                    G g = p.runq.steal(victim.runq, last, vs == PStatus.RUNNING);
                    if (g != null) {
                        p.steals++;
                        return g;
                    }
                }
            }
        }
        return null;
    }

    /** Go's {@code execute}: run {@code g} on {@code m}, then {@code goexit}. */
    private void execute(M m, G g, boolean inheritTime) {
        P p = m.p;
        m.curg = g;
        g.m = m;
        if (!inheritTime) {
            p.schedtick++;
            p.sliceStart = System.nanoTime();
        }
        nrunnable.decrementAndGet();
        if (!g.casStatus(GStatus.RUNNABLE, GStatus.RUNNING)) {
            throw new IllegalStateException("execute: " + g + " is not runnable");
        }
        g.waitReason = null;
        Thread.interrupted(); // an interrupt that arrived between Gs belongs to none of them
        Thread vt = g.vthread;
        if (vt != null) {
            g.vstarted = true;
            g.fn.run(); // the continuation: runs the virtual thread until it parks, yields or ends; never throws
            if (!g.vdone) {
                Thread.interrupted();
                parkVirtual(m, g);
                return;
            }
        } else {
            try {
                g.fn.run();
            } catch (Throwable t) {
                stats.panics.incrementAndGet();
                LOG.log(Level.WARNING, "goroutine " + g.id + " failed; its M carries on", t);
            }
        }
        Thread.interrupted(); // an interrupt meant for this G must not hit the next one
        goexit(m, g);
    }

    /**
     * Go's {@code goexit0}: the G is dead. If it was detached while running, its M has no P and must find one (or
     * park) before it can schedule again.
     */
    private void goexit(M m, G g) {
        boolean attached;
        while (true) {
            long w = g.word();
            GStatus s = G.state(w);
            if (G.scanning(w)) {
                Thread.onSpinWait();
                continue;
            }
            if (s != GStatus.RUNNING && s != GStatus.SYSCALL && s != GStatus.PREEMPTED) {
                throw new IllegalStateException("goexit: " + g + " in unexpected state");
            }
            if (g.cas(w, GStatus.DEAD)) {
                attached = s == GStatus.RUNNING;
                break;
            }
        }
        g.fn = null;
        g.task = null;
        g.vthread = null;
        g.lockedm = null;
        g.m = null;
        g.waitReason = null;
        m.curg = null;
        stats.gCompleted.incrementAndGet();
        gfput(attached ? m.p : null, g);
        if (ngoroutines.decrementAndGet() == 0 && runState == SHUTDOWN) {
            tryTerminate();
        }
        if (!attached) {
            reattach(m);
        }
    }

    /**
     * An M whose G lost its P and finished: take the old P back if it is still free for the taking, else park until a
     * P is handed to it ({@link #stopm} takes an idle P itself when work is queued).
     */
    private void reattach(M m) {
        if (!takeOldP(m) && !stopm(m)) {
            m.exit = true;
        }
    }

    /**
     * Go's {@code exitsyscallfast}: the P this M had before its G lost it (by a syscall, or detached by a third
     * party, in which case {@code m.p} still points to it) is taken back with one CAS if it is still in SYSCALL.
     * Leaves {@code m.oldp} null, and {@code m.p} set only on success.
     */
    private boolean takeOldP(M m) {
        P old = m.p != null ? m.p : m.oldp;
        m.p = null;
        m.oldp = null;
        if (old != null && !gcwaiting && old.casStatus(PStatus.SYSCALL, PStatus.RUNNING)) {
            acquirep(m, old);
            return true;
        }
        return false;
    }

    /** Go's {@code gcstopm}: stop-the-world is pending; give the P to it and park. */
    private boolean gcstopm(M m) {
        if (m.spinning) {
            m.spinning = false;
            nmspinning.decrementAndGet();
        }
        lock.lock();
        try {
            P p = releasep(m);
            pidleputLocked(p); // with gcwaiting set this stops the P and counts it
        } finally {
            lock.unlock();
        }
        return stopm(m);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Blocking calls (Go's entersyscall, exitsyscall, entersyscallblock, Gosched)

    /**
     * Runs a blocking call with the calling G's P released (Go's {@code entersyscall} … {@code exitsyscall}). If the
     * call returns quickly the M takes the same P back with one CAS; if sysmon retook it meanwhile the M takes an
     * idle P or waits for one, ahead of Gs that have not started. Outside a G of this scheduler the call just runs.
     */
    public <T> T syscall(Callable<T> call) throws Exception {
        return syscall(call, false);
    }

    /**
     * Like {@link #syscall(Callable)} for a call known to block long: the P is handed off before the call (Go's
     * {@code entersyscallblock}), so nothing waits for sysmon.
     */
    public <T> T syscallBlock(Callable<T> call) throws Exception {
        return syscall(call, true);
    }

    private <T> T syscall(Callable<T> call, boolean block) throws Exception {
        M m = CURRENT_M.get();
        if (m == null || m.sched != this || m.curg == null) {
            return call.call();
        }
        entersyscall(m, block);
        try {
            return call.call();
        } finally {
            exitsyscall(m);
        }
    }

    private void entersyscall(M m, boolean block) {
        P cur = m.p;
        if (!block && cur != null && (!cur.runq.isEmpty() || runqsize > 0 && npidle.get() + nmspinning.get() == 0)) {
            // Work is already waiting that nobody else can take: hand the P off now rather than leave it idle
            // until sysmon's next pass (Go waits for sysmon; a JVM sleep of 20 µs overshoots several times).
            block = true;
        }
        G g = m.curg;
        long w = g.word();
        if (G.state(w) != GStatus.RUNNING || !g.cas(w, GStatus.SYSCALL)) {
            return; // already detached by sysmon: the P is gone, the G counts as in a syscall
        }
        g.waitReason = "syscall";
        P p = m.p;
        m.p = null;
        p.m = null;
        p.syscalltick++;
        if (block) {
            m.oldp = null;
            p.setStatus(PStatus.IDLE);
            p.handoffs++;
            stats.handoffs.incrementAndGet();
            handoffp(p);
            return;
        }
        m.oldp = p;
        p.m = m; // shown in traces only; the P has no owner
        p.setStatus(PStatus.SYSCALL); // from here anyone may CAS it away
        if (gcwaiting) {
            lock.lock();
            try {
                if (p.casStatus(PStatus.SYSCALL, PStatus.GCSTOP)) {
                    p.m = null;
                    if (--stopwait == 0) {
                        stateChanged.signalAll();
                    }
                }
            } finally {
                lock.unlock();
            }
        }
        sysmon.wake();
    }

    /** Go's {@code exitsyscall}: get a P back for the calling G. Also re-attaches a G that sysmon detached. */
    private void exitsyscall(M m) {
        G g = m.curg;
        GStatus s = g.status();
        if (s == GStatus.RUNNING) {
            return; // never left
        }
        if (takeOldP(m)) {
            toRunning(g);
            return;
        }
        P p;
        lock.lock();
        try {
            p = gcwaiting ? null : pidlegetLocked();
            if (p == null) {
                // Slow path: wait on this M for a P, ahead of Gs that have not started. Enqueued under the same
                // lock that found no idle P, so that the next P freed is handed to us.
                runnableLocked(g, m, "exitsyscall: waiting for a P");
                exitsyscallq.addLast(g);
                nexitsyscall = exitsyscallq.size();
                stats.exitsyscallWaits.incrementAndGet();
            }
        } finally {
            lock.unlock();
        }
        if (p != null) {
            acquirep(m, p);
            toRunning(g);
            return;
        }
        waitForP(m, g);
    }

    private void toRunning(G g) {
        while (true) {
            long w = g.word();
            if (G.state(w) == GStatus.RUNNING || g.cas(w, GStatus.RUNNING)) {
                g.waitReason = null;
                return;
            }
        }
    }

    private void runnableLocked(G g, M m, String reason) {
        while (true) {
            long w = g.word();
            if (g.cas(w, GStatus.RUNNABLE)) {
                break;
            }
        }
        g.waitReason = reason;
        g.lockedm = m;
    }

    /** Parks {@code m} until a P is handed to it for its started G {@code g}, then runs on. */
    private void waitForP(M m, G g) {
        m.park.sleep();
        m.park.clear();
        P p = m.nextp;
        m.nextp = null;
        g.lockedm = null;
        if (p == null) {
            // Woken without a P: the scheduler is stopping. Let the G finish without one.
            toRunning(g);
            return;
        }
        acquirep(m, p);
        if (!p.runq.isEmpty() || runqsize > 0) {
            wakep();
        }
        toRunning(g);
    }

    /**
     * Go's {@code Gosched}: lets queued Gs run before the calling G goes on. The G (which cannot leave its M)
     * joins the global queue; the M gives its P away and parks until the G's turn comes and a P is handed back.
     */
    public void yieldG() {
        M m = CURRENT_M.get();
        G vg = m == null ? CURRENT_VG.get() : null;
        if (vg != null && vg.m != null && vg.m.sched == this) {
            // A virtual G yields its thread: the continuation unmounts and hands itself back through ready(),
            // which sends it to the global queue while this flag is set.
            vg.yielding = true;
            try {
                Thread.yield();
            } finally {
                vg.yielding = false;
            }
            return;
        }
        if (m == null || m.sched != this || m.curg == null) {
            Thread.yield();
            return;
        }
        G g = m.curg;
        long w = g.word();
        P p = m.p;
        if (G.state(w) == GStatus.RUNNING) {
            if (p.runq.isEmpty() && runqsize == 0 && nexitsyscall == 0) {
                return; // nobody else to run
            }
            // CAS from the word that was checked: if sysmon detached the G since, the CAS fails and P is not ours.
            if (g.cas(w, GStatus.RUNNABLE)) {
                g.waitReason = "yield";
                g.lockedm = m;
                releasep(m);
                p.setStatus(PStatus.IDLE);
                lock.lock();
                try {
                    globrunqputLocked(g); // behind the queued work; whoever takes it hands its P to our M
                } finally {
                    lock.unlock();
                }
                handoffp(p);
                waitForP(m, g);
                return;
            }
        }
        // Detached by sysmon or stop-the-world: the P is no longer ours to give, and its detacher retakes it. Wait
        // behind the queued work all the same, as any yield does (not ahead of it, as a G back from a syscall would).
        m.p = null;
        m.oldp = null;
        lock.lock();
        try {
            runnableLocked(g, m, "yield");
            globrunqputLocked(g);
        } finally {
            lock.unlock();
        }
        wakep();
        waitForP(m, g);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Detaching a running G (for sysmon and stop-the-world)

    /**
     * Takes {@code p} away from the G it runs, as if that G had entered a syscall. Wins only if the G is still in the
     * exact RUNNING state observed (status-word CAS). On success {@code p} is in SYSCALL and nobody owns it: the
     * caller retakes it by CAS, unless the M got it back first.
     */
    boolean detach(P p, GStatus as, String reason) {
        M m = p.m;
        if (m == null) {
            return false;
        }
        G g = m.curg;
        if (g == null) {
            return false;
        }
        long w = g.word();
        if (G.state(w) != GStatus.RUNNING || G.scanning(w) || g.m != m || m.p != p) {
            return false;
        }
        if (!g.cas(w, as)) {
            return false;
        }
        g.waitReason = reason;
        p.syscalltick++;
        p.setStatus(PStatus.SYSCALL);
        return true;
    }

    /** sysmon's retake: CAS a SYSCALL P to IDLE and hand it off. */
    boolean retake(P p) {
        if (!p.casStatus(PStatus.SYSCALL, PStatus.IDLE)) {
            return false;
        }
        p.m = null;
        p.syscalltick++;
        p.handoffs++;
        stats.handoffs.incrementAndGet();
        handoffp(p);
        return true;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Stop-the-world and resize (Go's stopTheWorld, startTheWorld, procresize)

    /** The number of Ps (Go's {@code GOMAXPROCS}). */
    public int procs() {
        return gomaxprocs;
    }

    /**
     * Changes the number of Ps at run time (Go's {@code procresize} under stop-the-world) and returns the previous
     * number. Ps beyond the new number give their queued Gs to the global queue and become DEAD; they are reused when
     * the number grows again. Running Gs are not interrupted: they lose their P as if in a syscall.
     *
     * @throws IllegalArgumentException if {@code n} is outside 1..{@value SchedulerConfig#MAX_PROCS} or above
     *         {@code maxThreads}
     */
    public int procs(int n) {
        if (n < 1 || n > SchedulerConfig.MAX_PROCS || n > config.maxThreads()) {
            throw new IllegalArgumentException("procs=" + n + " is out of range: allowed 1.."
                    + Math.min(SchedulerConfig.MAX_PROCS, config.maxThreads()));
        }
        M m = CURRENT_M.get();
        if (m != null && m.sched == this && m.curg != null) {
            try {
                return syscall(() -> resize(n));
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        if (CURRENT_VG.get() != null) {
            // A virtual G must not stop the world from its own thread: it would wait, unmounted, for a world that
            // needs an M to run it. A platform thread resizes while the G waits, off its M.
            java.util.concurrent.CompletableFuture<Integer> done = new java.util.concurrent.CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    done.complete(resize(n));
                } catch (Throwable e) {
                    done.completeExceptionally(e);
                }
            }, name() + "-procresize");
            t.setDaemon(true);
            t.start();
            try {
                return done.join();
            } catch (java.util.concurrent.CompletionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(c);
            }
        }
        return resize(n);
    }

    private int resize(int n) {
        synchronized (resizeLock) {
            if (runState >= STOPPING) {
                throw new RejectedExecutionException(name() + " scheduler is stopped");
            }
            int old = gomaxprocs;
            if (n == old) {
                return old;
            }
            stopTheWorld();
            try {
                procresize(n);
            } finally {
                startTheWorld();
            }
            stats.resizes.incrementAndGet();
            return old;
        }
    }

    /** Stops every P: idle and syscall Ps at once, running Ps when their M next schedules or by detaching. */
    private void stopTheWorld() {
        lock.lock();
        try {
            gcwaiting = true;
            stopwait = gomaxprocs;
            P p;
            while ((p = pidlegetLocked()) != null) {
                p.setStatus(PStatus.GCSTOP);
                stopwait--;
            }
            for (int i = 0; i < gomaxprocs; i++) {
                P q = allp[i];
                if (q.casStatus(PStatus.SYSCALL, PStatus.GCSTOP)) {
                    q.m = null;
                    q.syscalltick++;
                    stopwait--;
                }
            }
        } finally {
            lock.unlock();
        }
        while (true) {
            lock.lock();
            try {
                if (stopwait == 0) {
                    return;
                }
                stateChanged.await(100, TimeUnit.MICROSECONDS);
                if (stopwait == 0) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
            // Gs that keep running cannot be preempted: take their Ps as if they were in syscalls.
            for (int i = 0; i < gomaxprocs; i++) {
                P q = allp[i];
                if (q.status() == PStatus.RUNNING && detach(q, GStatus.SYSCALL, "stop the world")) {
                    lock.lock();
                    try {
                        if (q.casStatus(PStatus.SYSCALL, PStatus.GCSTOP)) {
                            q.m = null;
                            stopwait--;
                        }
                    } finally {
                        lock.unlock();
                    }
                }
            }
        }
    }

    private void procresize(int n) {
        int old = gomaxprocs;
        P[] ps = allp;
        if (n > ps.length) {
            ps = Arrays.copyOf(ps, n);
            for (int i = old; i < n; i++) {
                if (ps[i] == null) {
                    ps[i] = new P(i);
                }
            }
        }
        for (int i = old; i < n; i++) {
            ps[i].setStatus(PStatus.GCSTOP); // new, or DEAD and reused
        }
        List<G> moved = new ArrayList<>();
        for (int i = n; i < old; i++) {
            P p = ps[i];
            p.runq.drainTo(moved);
            gFree.putAll(p.gFree);
            p.gFree.clear();
            p.gFreeCount = 0;
            p.m = null;
            p.setStatus(PStatus.DEAD);
        }
        lock.lock();
        try {
            // Removed Ps' work goes to the head of the global queue, in order, ahead of newer work.
            for (int i = moved.size() - 1; i >= 0; i--) {
                runq.addFirst(moved.get(i));
            }
            runqsize = runq.size();
            allp = ps;
            gomaxprocs = n;
            stealOrder = new StealOrder(n);
        } finally {
            lock.unlock();
        }
    }

    private void startTheWorld() {
        List<P> stopped = new ArrayList<>();
        lock.lock();
        try {
            gcwaiting = false;
            for (int i = 0; i < gomaxprocs; i++) {
                P p = allp[i];
                if (p.status() == PStatus.GCSTOP) {
                    p.setStatus(PStatus.IDLE);
                    stopped.add(p);
                }
            }
        } finally {
            lock.unlock();
        }
        for (P p : stopped) {
            handoffp(p);
        }
        wakep();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Shutdown

    @Override
    public void shutdown() {
        lock.lock();
        try {
            if (runState == ACCEPTING) {
                runState = SHUTDOWN;
            }
        } finally {
            lock.unlock();
        }
        if (ngoroutines.get() == 0) {
            tryTerminate();
        }
    }

    /** Stops accepting, drops every queued G that has not started, interrupts running ones. */
    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        List<Runnable> dropped = drainQueued();
        for (M m : allmView) {
            Thread t = m.thread;
            G g = m.curg;
            if (t != null && g != null && g.vthread == null) {
                t.interrupt();
            }
        }
        if (virtual) {
            for (G g : allgs()) {
                Thread vt = g.vthread;
                if (vt != null && g.status() != GStatus.DEAD) {
                    vt.interrupt(); // running or parked: its thread is the G's own
                }
            }
        }
        if (ngoroutines.get() == 0) {
            tryTerminate();
        }
        return dropped;
    }

    /**
     * Stops accepting, lets queued and running Gs finish for up to {@code timeout}, then drops what has not started
     * and stops every thread.
     */
    public ShutdownReport shutdownGracefully(Duration timeout) {
        long before = stats.completed();
        shutdown();
        boolean done;
        try {
            done = awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done = false;
        }
        List<Runnable> dropped = done ? List.of() : drainQueued();
        int running = done ? 0 : Math.max(0, ngoroutines.get());
        if (!done) {
            LOG.warning(name() + " scheduler shut down after " + timeout + " with " + dropped.size()
                    + " queued goroutines dropped and " + running + " still running");
            tryTerminate();
            try {
                awaitTermination(Math.max(timeout.toMillis(), 100), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new ShutdownReport(stats.completed() - before, dropped, running);
    }

    /** Takes every G that has not started off every queue; returns their tasks. */
    private List<Runnable> drainQueued() {
        List<G> gs = new ArrayList<>();
        lock.lock();
        try {
            gs.addAll(runq);
            runq.clear();
            runqsize = 0;
        } finally {
            lock.unlock();
        }
        java.util.concurrent.atomic.AtomicReferenceArray<G> buf = new java.util.concurrent.atomic.AtomicReferenceArray<>(
                RunQueue.SIZE);
        for (P p : allp) {
            int n;
            while ((n = p.runq.grab(buf, 0, true, false)) > 0) {
                for (int i = 0; i < n; i++) {
                    gs.add(buf.get(i));
                }
            }
        }
        List<Runnable> dropped = new ArrayList<>();
        List<G> keep = new ArrayList<>();
        for (G g : gs) {
            if (g.lockedm != null || g.vstarted) {
                keep.add(g); // started, mid-flight: must get a P, cannot be dropped
                continue;
            }
            dropped.add(g.vthread != null ? g.task : g.fn);
            g.fn = null;
            g.task = null;
            g.vthread = null;
            g.setStatus(GStatus.DEAD);
            gFree.put(g);
            nrunnable.decrementAndGet();
            ngoroutines.decrementAndGet();
        }
        if (!keep.isEmpty()) {
            lock.lock();
            try {
                runq.addAll(keep);
                runqsize = runq.size();
            } finally {
                lock.unlock();
            }
            wakep();
        }
        stats.dropped.addAndGet(dropped.size());
        return dropped;
    }

    /** Moves to STOPPING: idle Ms exit, busy Ms exit after their G; the last one out terminates. */
    private void tryTerminate() {
        List<M> wake;
        lock.lock();
        try {
            if (runState >= STOPPING) {
                return;
            }
            runState = allm.isEmpty() ? TERMINATED : STOPPING;
            wake = new ArrayList<>(midle);
            midle.clear();
            stateChanged.signalAll();
        } finally {
            lock.unlock();
        }
        for (M m : wake) {
            m.exit = true;
            m.nextp = null;
            m.park.wakeup();
        }
        sysmon.wake();
        templateThread.wake();
    }

    @Override
    public boolean isShutdown() {
        return runState != ACCEPTING;
    }

    @Override
    public boolean isTerminated() {
        return runState == TERMINATED;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        lock.lock();
        try {
            while (true) {
                if (runState == STOPPING && allm.isEmpty()) {
                    runState = TERMINATED;
                    stateChanged.signalAll();
                }
                if (runState == TERMINATED) {
                    break;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                stateChanged.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(10)));
            }
        } finally {
            lock.unlock();
        }
        List<Thread> threads;
        lock.lock();
        try {
            threads = new ArrayList<>(exiting);
        } finally {
            lock.unlock();
        }
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (t.isAlive()) {
                return false;
            }
        }
        long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        return sysmon.join(left) && templateThread.join(left);
    }

    boolean terminatedOrStopping() {
        return runState >= STOPPING && allmView.length == 0;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Observability

    /** Live goroutines: made and not yet dead (Go's {@code runtime.NumGoroutine}). */
    public int numGoroutine() {
        return Math.max(0, ngoroutines.get());
    }

    /** A snapshot of Ps, Ms, Gs by state, queues and counters. Cheap enough to take many times a second. */
    public SchedSnapshot snapshot() {
        return SchedSnapshot.take(this);
    }

    /** One {@code SCHED} trace line in Go's format, with P, M and G lines when {@code detail} is set. */
    public String schedtrace(boolean detail) {
        return SchedTrace.format(this, detail);
    }

    M[] allm() {
        return allmView;
    }

    G[] allgs() {
        return allgs.snapshot();
    }

    /** Gs made since start (every G gets a fresh id). */
    long spawned() {
        return goidgen.get();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Current scheduler

    /** The scheduler whose M runs the calling thread, or null. */
    public static Scheduler current() {
        M m = currentM();
        return m == null ? null : m.sched;
    }

    /** Whether the calling thread runs a G of some scheduler: an M's thread, or a virtual G's thread. */
    public static boolean onM() {
        return currentM() != null;
    }

    /** The state of the G running on the calling thread, or null outside a G. */
    public static GoroutineView currentG() {
        M m = currentM();
        if (m == null) {
            return null;
        }
        G g = m.curg;
        if (g == null) {
            return null;
        }
        GStatus st = g.status();
        P p = st == GStatus.RUNNING ? m.p : null; // a detached G may still see its old P in m.p
        Thread t = m.thread; // a virtual G names its carrier
        return new GoroutineView(g.id, st, p == null ? -1 : p.id, m.id,
                t == null ? Thread.currentThread().getName() : t.getName(), m.sched.name(), g.vthread != null);
    }

    /** What {@link #currentG()} tells about a G. */
    public record GoroutineView(long id, GStatus status, int p, long m, String thread, String scheduler,
            boolean virtual) {
    }

    /** The random coprime visiting order of Ps for stealing (Go's {@code randomOrder}). */
    static final class StealOrder {
        final int count;
        final int[] coprimes;

        StealOrder(int count) {
            this.count = count;
            List<Integer> c = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                if (gcd(i, count) == 1) {
                    c.add(i);
                }
            }
            this.coprimes = c.stream().mapToInt(Integer::intValue).toArray();
        }

        private static int gcd(int a, int b) {
            while (b != 0) {
                int t = a % b;
                a = b;
                b = t;
            }
            return a;
        }
    }
}
