package io.quarkiverse.goroutines.scheduler;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
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
 * the scheduler goes to the global run queue; Gs spawned or readied by a running G go to its P's queue. An M out of
 * work steals half of another P's queue ("spinning"); an M that finds nothing gives its P back and parks.
 *
 * <h2>Where each part lives</h2>
 * This class is the public façade; the engine is split along the sections of Go's {@code proc.go}, one concern per
 * class, each opening with the invariants it owns and who may call it:
 * <ul>
 * <li>{@link Sched} — Go's {@code schedt}: the lock, the global queue, idle P and M lists, the M list, run state;</li>
 * <li>{@link Idle} — {@code wakep}, spinning, {@code needspinning};</li>
 * <li>{@link Ms} — {@code newm}, {@code startm}, {@code stopm}, {@code mstart}, the template thread;</li>
 * <li>{@link Schedule} — {@code schedule}, {@code findRunnable}, stealing, {@code execute}, {@code goexit};</li>
 * <li>{@link Syscalls} — {@code entersyscall}, {@code exitsyscall}, {@code handoffp}, {@code detach},
 * {@code retake}, {@code Gosched};</li>
 * <li>{@link VirtualGs} — virtual mode's spawn, {@code ready} and park;</li>
 * <li>{@link GAlloc} — {@code newproc}, free lists, the goid cache, admission;</li>
 * <li>{@link ProcResize} — stop/start the world and {@code procresize};</li>
 * <li>{@link Lifecycle} — shutdown and drain;</li>
 * <li>{@link Sysmon} — the monitor thread: retake, blocking detection, long runs, traces.</li>
 * <li>{@link Timers} — per-P timers for virtual Gs' sleeps and timed parks, fired by the Ms.</li>
 * </ul>
 * {@code docs/design.md} maps Go's sections to these classes and states the invariants in full.
 */
public final class Scheduler extends AbstractExecutorService {
    private static final Logger LOG = Logger.getLogger(Scheduler.class.getName());
    /** The M running on the current thread, if any. */
    static final ThreadLocal<M> CURRENT_M = new ThreadLocal<>();
    /** The G of the current virtual thread, if it is a virtual G (a virtual thread does not see its carrier's M). */
    static final ThreadLocal<G> CURRENT_VG = new ThreadLocal<>();

    final SchedulerConfig config;
    final long startNanos = System.nanoTime();
    /** Whether Gs are virtual threads ({@link SchedulerMode#VIRTUAL} in effect). */
    final boolean virtual;
    private final String modeReason;

    final SchedStats stats = new SchedStats();
    final Sched sched;
    final Idle idle;
    final Ms ms;
    final Schedule schedule;
    final Syscalls syscalls;
    final VirtualGs virtualGs;
    final GAlloc galloc;
    final ProcResize resize;
    final Lifecycle lifecycle;
    final Sysmon sysmon;
    final Admission admission;
    final Reports reports;
    final Timers timers;

    private Scheduler(SchedulerConfig config) {
        this.config = config;
        this.sched = new Sched(config.procs());
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
            // Asked for explicitly. A fallback from AUTO is the embedder's to announce (Quarkus warns once, with the
            // fix in its own terms); modeReason() says why.
            LOG.warning(config.name() + " scheduler: virtual mode is not available, running in platform mode: "
                    + unavailable);
        }
        this.timers = new Timers(this);
        this.admission = new Admission(config, stats);
        this.reports = new Reports(this);
        this.idle = new Idle(this);
        this.sysmon = new Sysmon(this);
        this.ms = new Ms(this);
        this.schedule = new Schedule(this);
        this.syscalls = new Syscalls(this);
        this.virtualGs = new VirtualGs(this);
        this.galloc = new GAlloc(this);
        this.resize = new ProcResize(this);
        this.lifecycle = new Lifecycle(this);
    }

    /**
     * Makes and starts a scheduler: its Ps, sysmon, the template thread and one M per P. Call it from a thread that
     * may block briefly (it starts threads), never from an event loop.
     */
    public static Scheduler start(SchedulerConfig config) {
        Scheduler s = new Scheduler(Objects.requireNonNull(config, "config"));
        s.sched.lock.lock();
        try {
            for (P p : s.sched.allp) {
                s.sched.pidleputLocked(p);
            }
        } finally {
            s.sched.lock.unlock();
        }
        s.ms.templateThread.start();
        s.sysmon.start();
        // Prefill: one parked M per P, so that the first requests do not wait for thread starts.
        for (int i = 0; i < s.sched.gomaxprocs; i++) {
            M m = s.ms.newmLocked();
            if (m != null) {
                s.ms.startThread(m);
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
    // Running Gs

    /**
     * Runs {@code task} as a new G: work dispatched from outside (a request), subject to admission. Never blocks and
     * never starts a thread on the calling thread.
     *
     * @throws RejectedExecutionException when the scheduler is shut down, or when {@code maxRunnable} Gs are
     *         already queued
     * @throws OverloadedException while the scheduler sheds load (see {@link #shedding()})
     */
    @Override
    public void execute(Runnable task) {
        galloc.spawn(Objects.requireNonNull(task, "task"), true);
    }

    /**
     * Go's {@code go} statement: runs {@code task} as a new G, never refused for load ({@code maxRunnable} does not
     * apply). Never blocks and never starts a thread on the calling thread.
     *
     * @throws RejectedExecutionException only when the scheduler is shut down
     */
    public void go(Runnable task) {
        galloc.spawn(Objects.requireNonNull(task, "task"), false);
    }

    /**
     * Runs a blocking call with the calling G's P released (Go's {@code entersyscall} … {@code exitsyscall}). If the
     * call returns quickly the M takes the same P back with one CAS; if sysmon retook it meanwhile the M takes an
     * idle P or waits its turn for one. Calls nest: only the outermost releases and takes back the P. Outside a G of
     * this scheduler the call just runs.
     */
    public <T> T syscall(Callable<T> call) throws Exception {
        return syscalls.syscall(call, false);
    }

    /**
     * Like {@link #syscall(Callable)} for a call known to block long: the P is handed off before the call (Go's
     * {@code entersyscallblock}), so nothing waits for sysmon.
     */
    public <T> T syscallBlock(Callable<T> call) throws Exception {
        return syscalls.syscall(call, true);
    }

    /**
     * Go's {@code Gosched}: lets queued Gs run before the calling G goes on. The G (which cannot leave its M) joins
     * the global queue; the M gives its P away and parks until the G's turn comes and a P is handed back.
     */
    public void yieldG() {
        syscalls.yieldG();
    }

    /**
     * A token for a wait the caller is about to begin (a channel wait), for {@link #ready(Object)}: the calling
     * platform G, or null outside one (a virtual G is readied by its thread's unpark).
     */
    public static Object waitToken() {
        M m = CURRENT_M.get();
        return m == null ? null : m.curg;
    }

    /**
     * Called by whoever ends a wait, before it wakes the waiting thread, with the waiter's {@link #waitToken()}: if
     * the waiting platform G handed its P off for the wait, it is queued on the caller's P to run next (Go's
     * {@code ready}); otherwise nothing happens. The caller must still unpark the thread.
     */
    public static void ready(Object token) {
        if (token instanceof G g) {
            M m = g.m;
            if (m != null) {
                m.sched.syscalls.ready(g);
            }
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

    // ---------------------------------------------------------------------------------------------------------
    // Resize

    /** The number of Ps (Go's {@code GOMAXPROCS}). */
    public int procs() {
        return sched.gomaxprocs;
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
        return resize.procs(n);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Shutdown

    @Override
    public void shutdown() {
        lifecycle.shutdown();
    }

    /** Stops accepting, drops every queued G that has not started, interrupts running ones. */
    @Override
    public List<Runnable> shutdownNow() {
        return lifecycle.shutdownNow();
    }

    /**
     * Stops accepting, lets queued and running Gs finish for up to {@code timeout}, then drops what has not started
     * and stops every thread. Returns within {@code timeout} plus about 100 ms.
     */
    public ShutdownReport shutdownGracefully(Duration timeout) {
        return lifecycle.shutdownGracefully(timeout);
    }

    @Override
    public boolean isShutdown() {
        return sched.runState != Sched.ACCEPTING;
    }

    @Override
    public boolean isTerminated() {
        return sched.runState == Sched.TERMINATED;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return lifecycle.awaitTermination(timeout, unit);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Observability

    /** Live goroutines: made and not yet dead (Go's {@code runtime.NumGoroutine}). */
    public int numGoroutine() {
        return (int) Math.max(0, galloc.ngoroutines.sum());
    }

    /**
     * Whether the scheduler sheds load: Gs have waited longer than {@code admission.target} for a P for a whole
     * {@code admission.interval}, so {@link #execute} refuses new work with {@link OverloadedException}.
     */
    public boolean shedding() {
        return admission.shedding();
    }

    /** How long a client refused while {@link #shedding()} should wait before it tries again. */
    public Duration retryAfter() {
        return admission.retryAfter();
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
        return sched.allm();
    }

    G[] allgs() {
        return galloc.allgs.snapshot();
    }

    P[] allp() {
        return sched.allp;
    }

    /** Gs made since start (every G gets a fresh id). */
    long spawned() {
        return galloc.spawned();
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
}
