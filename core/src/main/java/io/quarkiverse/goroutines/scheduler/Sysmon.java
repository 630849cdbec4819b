package io.quarkiverse.goroutines.scheduler;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The system monitor (Go's {@code sysmon}): a daemon thread, with no P, that watches the Ps.
 * <ul>
 * <li><b>Retake</b> a P that has stayed in a syscall for a whole pass, unless its run queue is empty, someone else
 * can take new work (an M spins or a P is idle) and the syscall is younger than {@code syscallRetakeAfter}.</li>
 * <li><b>Detect blocking nobody announced</b>: a RUNNING P whose M's thread is BLOCKED, WAITING or TIMED_WAITING,
 * or RUNNABLE without gaining CPU time (a native read), is treated as in a syscall: its G is detached and the P
 * handed off, at once when work waits that nobody else can take, else once {@code schedtick} has stood still for
 * {@code blockingThreshold}.</li>
 * <li><b>Report long runs</b>: a G running past {@code longRunningThreshold} (Go's {@code forcePreemptNS}) is logged
 * once with its stack, and optionally detached as if preempted.</li>
 * <li>Print {@code SCHED} trace lines every {@code schedtrace}.</li>
 * </ul>
 * It sleeps 20 µs, doubling after 50 idle passes up to {@code sysmonMaxInterval}; a pass that retakes resets the
 * sleep. When every P is idle it sleeps up to the maximum and is woken by syscall entries and by work that queues
 * behind busy Ps. Everything in {@link P.SysmonTick} is touched only by this thread.
 */
final class Sysmon {
    private static final Logger LOG = Logger.getLogger(Sysmon.class.getName());
    private static final int IDLE_PASSES_BEFORE_BACKOFF = 50;
    private static final long MIN_NATIVE_WINDOW_NANOS = 100_000;
    private static final long LONG_RUNNING_LOG_INTERVAL_NANOS = 10_000_000_000L;
    private long lastLongRunningLog;
    private long longRunningSuppressed;

    private final Scheduler sched;
    private final Note note = new Note();
    private volatile Thread thread;
    /** Set while sleeping longer than the minimum, so that wakers know a wake-up is worth it. */
    private volatile boolean sleepingLong;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final boolean cpuTimeSupported;
    private long nextTrace;

    Sysmon(Scheduler sched) {
        this.sched = sched;
        boolean cpu;
        try {
            cpu = threads.isThreadCpuTimeSupported();
            if (cpu && !threads.isThreadCpuTimeEnabled()) {
                threads.setThreadCpuTimeEnabled(true);
            }
        } catch (UnsupportedOperationException | SecurityException e) {
            cpu = false;
        }
        this.cpuTimeSupported = cpu;
    }

    void start() {
        Thread t = new Thread(this::loop, sched.name() + "-sysmon");
        t.setDaemon(true);
        thread = t;
        Duration trace = sched.config.schedtrace();
        if (trace != null) {
            nextTrace = System.nanoTime() + trace.toNanos();
        }
        t.start();
    }

    Thread thread() {
        return thread;
    }

    /** Wakes sysmon if it sleeps longer than its minimum interval. */
    void wake() {
        if (sleepingLong) {
            note.wakeup();
        }
    }

    boolean join(long millis) throws InterruptedException {
        Thread t = thread;
        if (t == null) {
            return true;
        }
        note.wakeup();
        t.join(millis);
        return !t.isAlive();
    }

    private void loop() {
        long min = sched.config.sysmonMinInterval().toNanos();
        long max = sched.config.sysmonMaxInterval().toNanos();
        long blockingQuarter = Math.min(max, sched.config.blockingThreshold().toNanos() / 4);
        long delay = min;
        int idle = 0;
        while (!sched.terminatedOrStopping()) {
            if (delay > blockingQuarter) {
                sleepingLong = true; // only then is a wake-up worth its cost: with work queued it polls often anyway
            }
            note.sleep(delay);
            note.clear();
            sleepingLong = false;
            long now = System.nanoTime();
            int n = pass(now);
            if (n > 0) {
                idle = 0;
                delay = min;
            } else {
                idle++;
                if (idle > IDLE_PASSES_BEFORE_BACKOFF) {
                    // Back off, but while work is queued keep looking often enough to catch a stuck P soon
                    // after blockingThreshold.
                    long cap = workQueued() ? Math.max(min, blockingQuarter) : max;
                    delay = Math.min(delay * 2, cap);
                } else {
                    delay = min;
                }
            }
            long hits = sched.stats.mLimitHits.get();
            if (hits != mLimitHitsSeen) {
                mLimitHitsSeen = hits;
                sched.reportMLimit(now);
            }
            trace(now);
        }
    }

    private long mLimitHitsSeen;

    private boolean workQueued() {
        if (sched.runqsize > 0 || sched.nexitsyscall > 0) {
            return true;
        }
        P[] ps = sched.allp;
        for (int i = 0; i < sched.gomaxprocs && i < ps.length; i++) {
            if (!ps[i].runq.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private void trace(long now) {
        Duration period = sched.config.schedtrace();
        if (period == null || now < nextTrace) {
            return;
        }
        nextTrace = now + period.toNanos();
        try {
            sched.config.traceSink().accept(sched.schedtrace(sched.config.scheddetail()));
        } catch (RuntimeException e) {
            LOG.warning("schedtrace sink failed: " + e);
        }
    }

    /** One pass over the Ps; returns how many were retaken or detached. */
    int pass(long now) {
        int n = 0;
        P[] ps = sched.allp;
        int procs = sched.gomaxprocs;
        for (int i = 0; i < procs && i < ps.length; i++) {
            P p = ps[i];
            PStatus s = p.status();
            P.SysmonTick pd = p.sysmontick;
            if (s == PStatus.RUNNING) {
                long t = p.schedtick;
                M m = p.m;
                G g = m == null ? null : m.curg;
                if (pd.schedtick != t) {
                    // The P moved on: restart the clocks (and still look at the M: that is the first sighting).
                    pd.schedtick = t;
                    pd.schedwhen = now;
                    pd.cpuWhen = 0;
                }
                if (g != null && m != null && checkRunning(p, m, g, now)) {
                    n++;
                }
            } else if (s == PStatus.SYSCALL) {
                long t = p.syscalltick;
                if (pd.syscalltick != t) {
                    pd.syscalltick = t;
                    pd.syscallwhen = now;
                    continue;
                }
                // Same syscall seen on two passes.
                if (p.runq.isEmpty() && sched.nmspinning.get() + sched.npidle.get() > 0
                        && now - pd.syscallwhen < sched.config.syscallRetakeAfter().toNanos()) {
                    continue;
                }
                if (sched.retake(p)) {
                    sched.stats.syscallRetakes.incrementAndGet();
                    n++;
                }
            }
        }
        return n;
    }

    /** A RUNNING P whose schedtick stands still: blocked, stuck in native code, or just long-running? */
    private boolean checkRunning(P p, M m, G g, long now) {
        P.SysmonTick pd = p.sysmontick;
        long still = now - pd.schedwhen;
        SchedulerConfig cfg = sched.config;
        if (g.status() != GStatus.RUNNING) {
            return false;
        }
        // A G that shares a time slice can run several Gs without a schedtick move; measure from its own start.
        long since = Math.min(still, now - g.lastTransitionNanos);
        if (cfg.blockingDetection() && m.thread != null && detectBlocked(p, m, g, now, since)) {
            return true;
        }
        if (since >= cfg.longRunningThreshold().toNanos() && pd.reportedG != g.id) {
            pd.reportedG = g.id;
            sched.stats.longRunningReported.incrementAndGet();
            reportLongRunning(m, g, since, now);
            if (cfg.longRunningHandoff() && handoff(p, g, GStatus.PREEMPTED, "preempted: long-running", since)) {
                sched.stats.longRunningHandoffs.incrementAndGet();
                return true;
            }
        }
        return false;
    }

    /**
     * Logs a long-running G with its stack: each G once, and at most one report every 10 s so that an endpoint that
     * is simply slow does not flood the log; the reports left out are counted in the next one.
     */
    private void reportLongRunning(M m, G g, long since, long now) {
        if (lastLongRunningLog != 0 && now - lastLongRunningLog < LONG_RUNNING_LOG_INTERVAL_NANOS) {
            longRunningSuppressed++;
            return;
        }
        lastLongRunningLog = now;
        long suppressed = longRunningSuppressed;
        longRunningSuppressed = 0;
        SchedulerConfig cfg = sched.config;
        Thread t = m.thread;
        StackTraceElement[] stack = t == null ? new StackTraceElement[0] : t.getStackTrace();
        LOG.warning("goroutine " + g.id + " on " + (t == null ? "?" : t.getName()) + " has held its P for "
                + TimeUnit.NANOSECONDS.toMillis(since) + " ms without yielding (thread "
                + (t == null ? "?" : t.getState()) + "; long-running.threshold="
                + cfg.longRunningThreshold().toMillis() + " ms)"
                + (cfg.longRunningHandoff() ? "; its P is handed off" : "")
                + (suppressed > 0 ? "; " + suppressed + " more long-running goroutines since the last report" : "")
                + "\n\tat " + String.join("\n\tat ", Arrays.stream(stack).map(String::valueOf).toList()));
    }

    /**
     * Blocking nobody announced, judged much as Go judges a syscall: hand the P off as soon as the M is seen blocked
     * while work waits that nobody else can take, and after {@code blockingThreshold} regardless. Go waits for a
     * second sighting; here one is enough, because a JVM sysmon tick is several times Go's 20 µs (a short park
     * overshoots) and a sample that finds a thread blocked is biased towards long blocks: waiting for a second
     * sighting left the P idle for a whole tick more per blocked G (MixedBlocking: 112 ms against 73 ms per batch).
     * A thread that is RUNNABLE but gains almost no CPU time over a window is waiting in native code (a socket read);
     * the window is a quarter of the threshold (at least 100 µs) while work waits, the whole threshold otherwise.
     */
    private boolean detectBlocked(P p, M m, G g, long now, long since) {
        P.SysmonTick pd = p.sysmontick;
        Thread t = m.thread;
        long threshold = sched.config.blockingThreshold().toNanos();
        boolean waiting = workWaits(p);
        Thread.State ts = t.getState();
        if (ts == Thread.State.BLOCKED || ts == Thread.State.WAITING || ts == Thread.State.TIMED_WAITING) {
            // A virtual G that parks leaves its carrier, so a carrier seen blocked is pinned (or waits briefly for
            // a lock inside the JDK's or our own scheduling code): it gets the native-code window before a hand-off.
            long min = g.vthread == null ? 0 : Math.max(threshold / 4, MIN_NATIVE_WINDOW_NANOS);
            if ((waiting && since >= min) || since >= threshold) {
                if (handoff(p, g, GStatus.SYSCALL, "blocked (" + ts + ")", since)) {
                    sched.stats.blockedDetected.incrementAndGet();
                    return true;
                }
            }
            return false;
        }
        if (ts != Thread.State.RUNNABLE || !cpuTimeSupported) {
            return false;
        }
        long cpu = threads.getThreadCpuTime(t.getId());
        if (cpu < 0) {
            return false;
        }
        if (pd.cpuWhen == 0) {
            pd.cpuWhen = now;
            pd.cpuNanos = cpu;
            return false;
        }
        long window = now - pd.cpuWhen;
        long needed = waiting ? Math.max(threshold / 4, MIN_NATIVE_WINDOW_NANOS) : threshold;
        if (window < needed) {
            return false;
        }
        if ((cpu - pd.cpuNanos) * 10 < window) {
            // Under a tenth of a core over the window: waiting in native code, unless the kernel says the thread
            // is runnable and merely waiting for a core (a busy host), which a hand-off would not help.
            if (OsThreads.state(m.tid) == 'R') {
                sched.stats.nativeRejected.incrementAndGet();
                pd.cpuWhen = now;
                pd.cpuNanos = cpu;
                return false;
            }
            if (handoff(p, g, GStatus.SYSCALL, "blocked in native code (CPU time stalled)", since)) {
                sched.stats.nativeDetected.incrementAndGet();
                return true;
            }
            return false;
        }
        pd.cpuWhen = now;
        pd.cpuNanos = cpu;
        return false;
    }

    /** Go's retake condition: work is queued behind {@code p}, and no idle P or spinning M can take it instead. */
    private boolean workWaits(P p) {
        if (!p.runq.isEmpty()) {
            return true;
        }
        return (sched.runqsize > 0 || sched.nexitsyscall > 0) && sched.npidle.get() + sched.nmspinning.get() == 0;
    }

    private boolean handoff(P p, G g, GStatus as, String reason, long since) {
        if (!sched.detach(p, as, reason)) {
            return false;
        }
        sched.stats.recordDetection(since);
        sched.retake(p);
        return true;
    }
}
