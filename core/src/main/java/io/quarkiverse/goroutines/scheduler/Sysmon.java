package io.quarkiverse.goroutines.scheduler;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
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
 * <li><b>Preempt</b>: a P whose {@code schedtick} has stood still for {@code longRunningThreshold} (Go's
 * {@code forcePreemptNS}) has its G detached as PREEMPTED (with {@code longRunningHandoff}, the default), silently:
 * the G runs on without the P and takes one back as after a syscall.</li>
 * <li><b>Report</b> Gs that have not ended after {@code reportAfter}, once a second ({@link Reports}).</li>
 * <li>Print {@code SCHED} trace lines every {@code schedtrace}.</li>
 * <li>Fire the timers that no M will fire in time ({@link Timers#sysmonCheck}); it never sleeps past them.</li>
 * </ul>
 * It sleeps 20 µs, doubling after 50 idle passes up to {@code blockingThreshold} while work is queued and up to
 * {@code sysmonMaxInterval} otherwise; a pass that retakes resets the sleep. It never sleeps past a timer it has to
 * fire. When every P is idle it sleeps up to the maximum and is woken by syscall entries, by work that queues behind
 * busy Ps and by new timers due earlier. Everything in {@link P.SysmonTick} is touched only by this thread.
 */
final class Sysmon {
    private static final Logger LOG = Logger.getLogger(Sysmon.class.getName());
    private static final int IDLE_PASSES_BEFORE_BACKOFF = 50;
    private static final long MIN_NATIVE_WINDOW_NANOS = 100_000;
    /** How long a G must have run before sysmon asks the kernel whether its thread is asleep in native code. */
    private static final long NATIVE_PROBE_NANOS = 50_000;
    /** Native hand-offs that may await their verdict at once; any more go unjudged (and uncounted as false). */
    private static final int MAX_SUSPECTS = 64;

    private final Scheduler s;
    private final Sched sched;
    /**
     * Tests only: while set, the loop sleeps without looking at the Ps, and a test drives {@link #pass} itself (one
     * thread at a time, as the loop would).
     */
    volatile boolean paused;
    private final Note note = new Note();
    private volatile Thread thread;
    /** Set while sleeping longer than the minimum, so that wakers know a wake-up is worth it. */
    private volatile boolean sleepingLong;
    /** When the current or last sleep ends (or ended), in {@code nanoTime} terms; written by sysmon only. */
    private volatile long sleepUntil;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final boolean cpuTimeSupported;
    private long nextTrace;
    /** Passes made; numbers the passes for {@link #suspects}. Only the thread that runs {@link #pass} touches it. */
    private long passes;
    /**
     * Native hand-offs of this pass and the last, awaiting their verdict ({@link #judgeNativeHandoffs}). Only the
     * thread that runs {@link #pass} touches it (sysmon, or a test while {@link #paused}).
     */
    private final ArrayDeque<Suspect> suspects = new ArrayDeque<>();

    /** A native hand-off to judge on the next pass: the M and G, the G's word right after the detach, the pass. */
    private record Suspect(M m, G g, long word, long pass) {
    }

    Sysmon(Scheduler s) {
        this.s = s;
        this.sched = s.sched;
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
        Thread t = new Thread(this::loop, s.name() + "-sysmon");
        t.setDaemon(true);
        thread = t;
        Duration trace = s.config.schedtrace();
        if (trace != null) {
            nextTrace = System.nanoTime() + trace.toNanos();
        }
        t.start();
    }

    Thread thread() {
        return thread;
    }

    /**
     * Wakes sysmon if it plans to sleep past {@code when}: a timer was added that it may have to fire. The sleeper
     * publishes its wake-up time before it reads the timers and the adder adds before it reads that time, so one of
     * the two sees the other.
     */
    void wakeForTimer(long when) {
        if (when - sleepUntil < 0) {
            note.wakeup();
        }
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
        long min = s.config.sysmonMinInterval().toNanos();
        long max = s.config.sysmonMaxInterval().toNanos();
        long threshold = Math.min(max, s.config.blockingThreshold().toNanos());
        long delay = min;
        int idle = 0;
        while (!s.lifecycle.terminatedOrStopping()) {
            long start = System.nanoTime();
            long sleep = delay;
            sleepUntil = start + delay; // published before the timers are read: see wakeForTimer
            long timer = s.timers.sysmonDeadline();
            if (timer != Long.MAX_VALUE && timer - sleepUntil < 0) {
                sleep = Math.max(0, timer - start);
                sleepUntil = timer;
            }
            if (sleep > threshold) {
                sleepingLong = true; // only then is a wake-up worth its cost: with work queued it polls often anyway
            }
            if (sleep > 0) {
                note.sleep(sleep);
            }
            note.clear();
            sleepingLong = false;
            long now = System.nanoTime();
            s.timers.sysmonCheck(now);
            int n = paused ? 0 : pass(now);
            if (n > 0) {
                idle = 0;
                delay = min;
            } else {
                idle++;
                if (idle > IDLE_PASSES_BEFORE_BACKOFF) {
                    // Back off (Go's sysmon does, to 10 ms), but while work is queued keep looking once per
                    // blockingThreshold, so that a P stuck behind queued work is caught within about two of them.
                    // A pass that retakes resets the sleep to the minimum: while Ms keep blocking (pinned
                    // natives), sysmon keeps looking at its fastest; when nothing blocks it costs ~1,000 wake-ups a
                    // second instead of ~4,000.
                    long cap = workQueued() ? Math.max(min, threshold) : max;
                    delay = Math.min(delay * 2, cap);
                } else {
                    delay = min;
                }
            }
            long hits = s.stats.mLimitHits.get();
            if (hits != mLimitHitsSeen) {
                mLimitHitsSeen = hits;
                s.ms.reportMLimit(now);
            }
            trace(now);
            s.reports.maybeCheck(now);
        }
    }

    private long mLimitHitsSeen;

    private boolean workQueued() {
        if (sched.runqsize > 0) {
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
        Duration period = s.config.schedtrace();
        if (period == null || now < nextTrace) {
            return;
        }
        nextTrace = now + period.toNanos();
        try {
            s.config.traceSink().accept(s.schedtrace(s.config.scheddetail()));
        } catch (RuntimeException e) {
            LOG.warning("schedtrace sink failed: " + e);
        }
    }

    /**
     * One pass over the Ps (Go's {@code retake}); returns how many were retaken or detached. A P whose
     * {@code schedtick} has stood still for {@code long-running.threshold} (Go's {@code forcePreemptNS}) has its G
     * preempted when {@code long-running.handoff} is on, and is retaken at once if it is in a syscall, so that a G
     * looping on short calls cannot keep it.
     */
    int pass(long now) {
        passes++;
        judgeNativeHandoffs();
        int n = 0;
        P[] ps = sched.allp;
        int procs = sched.gomaxprocs;
        long forcePreempt = s.config.longRunningThreshold().toNanos();
        for (int i = 0; i < procs && i < ps.length; i++) {
            P p = ps[i];
            PStatus st = p.status();
            if (st != PStatus.RUNNING && st != PStatus.SYSCALL) {
                continue;
            }
            P.SysmonTick pd = p.sysmontick;
            long t = p.schedtick;
            if (pd.schedtick != t) {
                // The P moved on: restart the clocks (and still look at the M: that is the first sighting).
                pd.schedtick = t;
                pd.schedwhen = now;
                pd.cpuWhen = 0;
                pd.blockedWord = -1;
            }
            boolean sysretake = now - pd.schedwhen >= forcePreempt;
            if (st == PStatus.RUNNING) {
                // Sample the M, its G and the G's word once: every judgement below is about this G in this state,
                // and a detach succeeds only if the word has not moved since.
                M m = p.m;
                G g = m == null ? null : m.curg;
                if (g != null && checkRunning(p, m, g, g.word(), now, sysretake)) {
                    n++;
                }
                continue;
            }
            long tick = p.syscalltick;
            if (!sysretake && pd.syscalltick != tick) {
                pd.syscalltick = tick;
                pd.syscallwhen = now;
                continue;
            }
            // The same syscall seen on two passes, or a P that has not scheduled for a whole slice.
            if (p.runq.isEmpty() && sched.nmspinning.get() + sched.npidle.get() > 0
                    && now - pd.syscallwhen < s.config.syscallRetakeAfter().toNanos()) {
                continue;
            }
            if (s.syscalls.retake(p, s.stats.syscallRetakes)) {
                n++;
            }
        }
        return n;
    }

    /**
     * A RUNNING P, with the M {@code m} that owned it, the G {@code g} it ran and {@code g}'s word {@code w}, all read
     * at the start of the check: blocked, stuck in native code, or just long-running?
     */
    private boolean checkRunning(P p, M m, G g, long w, long now, boolean sysretake) {
        P.SysmonTick pd = p.sysmontick;
        SchedulerConfig cfg = s.config;
        if (G.state(w) != GStatus.RUNNING) {
            return false;
        }
        // Judge this G by its own run, from the time its M wrote before the word said RUNNING (so it belongs to the
        // run that w shows). Not by the P's schedtick: a chain of Gs sharing a time slice runs several Gs without a
        // schedtick move, and a schedtick move first seen on this pass says nothing of how long its G has run.
        long since = Math.max(0, now - g.runningSince);
        if (cfg.blockingDetection() && m.thread != null && detectBlocked(p, m, g, w, now, since)) {
            return true;
        }
        if (sysretake && cfg.longRunningHandoff()
                && handoff(p, m, g, w, GStatus.PREEMPTED, "preempted: long-running", since,
                        s.stats.longRunningHandoffs)) {
            return true; // silent: routine, counted (Go preempts without a word)
        }
        return false;
    }

    /**
     * Blocking nobody announced, judged much as Go judges a syscall: hand the P off as soon as the M is seen blocked
     * while work waits that nobody else can take, and after {@code blockingThreshold} regardless. Go waits for a
     * second sighting; here one is enough, because a JVM sysmon tick is several times Go's 20 µs (a short park
     * overshoots) and a sample that finds a thread blocked is biased towards long blocks: waiting for a second
     * sighting left the P idle for a whole tick more per blocked G (MixedBlocking: 112 ms against 73 ms per batch).
     * A thread that is RUNNABLE while work waits behind it is handed off on the first sighting if the kernel has it
     * asleep ({@link OsThreads.Probe}). Otherwise a RUNNABLE thread that gains almost no CPU time over a window is
     * waiting in native code (a socket read); the window is a quarter of the threshold (at least 100 µs) while work
     * waits, the whole threshold otherwise.
     */
    private boolean detectBlocked(P p, M m, G g, long w, long now, long since) {
        P.SysmonTick pd = p.sysmontick;
        Thread t = m.thread;
        long threshold = s.config.blockingThreshold().toNanos();
        boolean waiting = workWaits(p);
        Thread.State ts = t.getState();
        if (ts == Thread.State.BLOCKED || ts == Thread.State.WAITING || ts == Thread.State.TIMED_WAITING) {
            if (pd.blockedWord != w) {
                // First sighting: a thread parked for an instant (the scheduler's own lock, a channel's lock, a
                // logging monitor) is seen blocked too. Only the same G, in the same state word, seen blocked on
                // the next pass as well is judged blocked (Go waits for a second sighting of a syscall too).
                // A platform G in a timed wait (Thread.sleep, a timed poll) waits for time, not for a lock's
                // holder: while work waits behind it, it is judged on this first sighting.
                pd.blockedWord = w;
                if (ts != Thread.State.TIMED_WAITING || g.vthread != null || !waiting || since < NATIVE_PROBE_NANOS) {
                    return false;
                }
            }
            // A virtual G that parks leaves its carrier, so a carrier seen blocked is pinned (or waits briefly for
            // a lock inside the JDK's or our own scheduling code): it gets the native-code window before a hand-off.
            long min = g.vthread == null ? 0 : Math.max(threshold / 4, MIN_NATIVE_WINDOW_NANOS);
            if ((waiting && since >= min) || since >= threshold) {
                if (handoff(p, m, g, w, GStatus.SYSCALL, "blocked (" + ts + ")", since, s.stats.blockedDetected)) {
                    return true;
                }
            }
            return false;
        }
        pd.blockedWord = -1;
        if (ts != Thread.State.RUNNABLE) {
            return false;
        }
        if (waiting && since >= NATIVE_PROBE_NANOS) {
            // Work waits behind this P and its G has run a while: ask the kernel. A thread the JVM calls RUNNABLE
            // that the kernel has asleep (S) or in an uninterruptible wait (D) is in a native call (a pinned read,
            // a native sleep), or held at a JVM safepoint: handed off on this first sighting, not after a CPU-time
            // window (which cost ~450 µs of an idle P per pinned call). A safepoint hand-off is a false one, and
            // costs one more M for a while; nativeDetected counts both.
            char k = m.kernelState();
            if ((k == 'S' || k == 'D')
                    && handoffNative(p, m, g, w, "blocked in native code (kernel state " + k + ")", since)) {
                return true;
            }
        }
        if (!cpuTimeSupported) {
            return false;
        }
        long window = now - pd.cpuWhen;
        long needed = waiting ? Math.max(threshold / 4, MIN_NATIVE_WINDOW_NANOS) : threshold;
        if (pd.cpuWhen != 0 && window < needed) {
            return false; // the window is not over: reading the thread's CPU time (a system call) can wait
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
        if ((cpu - pd.cpuNanos) * 10 < window) {
            // Under a tenth of a core over the window: waiting in native code, unless the kernel says the thread
            // is runnable and merely waiting for a core (a busy host), which a hand-off would not help.
            if (m.kernelState() == 'R') {
                s.stats.nativeRejected.incrementAndGet();
                pd.cpuWhen = now;
                pd.cpuNanos = cpu;
                return false;
            }
            return handoffNative(p, m, g, w, "blocked in native code (CPU time stalled)", since);
        }
        pd.cpuWhen = now;
        pd.cpuNanos = cpu;
        return false;
    }

    /**
     * {@link #handoff} of a G whose thread the JVM calls RUNNABLE, judged blocked in native code; the hand-off is
     * judged in turn on the next pass ({@link #judgeNativeHandoffs}).
     */
    private boolean handoffNative(P p, M m, G g, long w, String reason, long since) {
        if (!handoff(p, m, g, w, GStatus.SYSCALL, reason, since, s.stats.nativeDetected)) {
            return false;
        }
        if (suspects.size() < MAX_SUSPECTS) {
            suspects.addLast(new Suspect(m, g, G.next(w, GStatus.SYSCALL), passes));
        }
        return true;
    }

    /**
     * Judges the native hand-offs of earlier passes, and counts the needless ones in {@code nativeFalse}: those whose
     * G is still detached while the kernel has its thread running again (it was held at a JVM safepoint, waited on a
     * lock inside the JVM, or its native call has ended), and those whose G has already moved on (back from a call
     * shorter than a pass, parked or ended). A hand-off costs a wake-up and, while the G runs on, a second M. One
     * kernel read per hand-off, only for Gs still detached.
     */
    private void judgeNativeHandoffs() {
        Suspect x;
        while ((x = suspects.peekFirst()) != null && x.pass != passes) {
            suspects.pollFirst();
            if (x.g.word() != x.word || x.m.kernelState() == 'R') {
                s.stats.nativeFalse.incrementAndGet();
            }
        }
    }

    /** Go's retake condition: work is queued behind {@code p}, and no idle P or spinning M can take it instead. */
    private boolean workWaits(P p) {
        if (!p.runq.isEmpty()) {
            return true;
        }
        return sched.runqsize > 0 && sched.npidle.get() + sched.nmspinning.get() == 0;
    }

    /**
     * Detaches {@code g} from {@code p} if its word is still {@code w}, counts it in {@code counter} (before the P
     * moves on, so that whoever sees the effect sees the count), and hands the P off.
     */
    private boolean handoff(P p, M m, G g, long w, GStatus as, String reason, long since,
            AtomicLong counter) {
        if (!s.syscalls.detach(p, m, g, w, as, reason)) {
            return false;
        }
        counter.incrementAndGet();
        s.stats.recordDetection(since);
        s.syscalls.retake(p);
        return true;
    }
}
