package io.quarkiverse.goroutines.scheduler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Logger;

/**
 * Reports Gs that have not ended long after they began: something an operator can act on, as opposed to preemption,
 * which is routine and silent.
 *
 * <h2>Contract</h2>
 * Run by sysmon about once a second ({@link #check}); nothing else touches its state. A G older than
 * {@code report.after} is reported once per incarnation, in one log record: what it does (running on CPU, blocked
 * in a call, parked and on what, or waiting for a P), what it serves (its label, e.g. {@code GET /orders}), its age
 * and the top of its stack. When more than {@link #MAX_LINES} Gs qualify in one check, one summary record replaces
 * the lines: counts per state and the oldest G's report.
 */
final class Reports {
    private static final Logger LOG = Logger.getLogger(Scheduler.class.getName());
    /** How often sysmon checks. */
    static final long PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** More Gs than this in one check are summarised in one record. */
    static final int MAX_LINES = 5;
    private static final int STACK_FRAMES = 8;

    private final Scheduler s;
    /** Ids of the Gs reported and still alive; sysmon only. */
    private Set<Long> reported = new HashSet<>();
    private long nextCheck;

    Reports(Scheduler s) {
        this.s = s;
    }

    /** Called by sysmon on every pass; does the work once a period. */
    void maybeCheck(long now) {
        long after = s.config.reportAfter().toNanos();
        if (after == 0 || now < nextCheck) {
            return;
        }
        nextCheck = now + PERIOD_NANOS;
        check(now, after);
    }

    /** Reports the Gs older than {@code after} not reported yet. Returns how many were reported. */
    int check(long now, long after) {
        List<G> old = new ArrayList<>();
        Set<Long> stillAlive = new HashSet<>();
        for (G g : s.allgs()) {
            if (g == null || !g.status().live() || now - g.createdNanos < after) {
                continue;
            }
            long id = g.id;
            if (reported.contains(id)) {
                stillAlive.add(id);
                continue;
            }
            old.add(g);
        }
        for (G g : old) {
            stillAlive.add(g.id);
        }
        reported = stillAlive;
        if (old.isEmpty()) {
            return 0;
        }
        s.stats.longRunningReported.addAndGet(old.size());
        if (old.size() <= MAX_LINES) {
            for (G g : old) {
                LOG.warning(describe(g, now, true));
            }
            return old.size();
        }
        int running = 0;
        int blocked = 0;
        int parked = 0;
        int queued = 0;
        G oldest = old.get(0);
        for (G g : old) {
            switch (g.status()) {
                case RUNNING -> running++;
                case SYSCALL, PREEMPTED -> blocked++;
                case WAITING -> parked++;
                default -> queued++;
            }
            if (g.createdNanos < oldest.createdNanos) {
                oldest = g;
            }
        }
        LOG.warning(String.format(Locale.ROOT,
                "%d goroutines have not ended after %s: %d running on CPU, %d blocked in a call, %d parked, %d waiting"
                        + " for a P (report.after=%s); the oldest: %s",
                old.size(), SchedulerConfig.format(s.config.reportAfter()), running, blocked, parked, queued,
                SchedulerConfig.format(s.config.reportAfter()), describe(oldest, now, true)));
        return old.size();
    }

    /** One G: what it does, what it serves, its age, and optionally the top of its stack. */
    static String describe(G g, long now, boolean withStack) {
        GStatus st = g.status();
        M m = g.m;
        Thread carrier = m == null ? null : m.thread;
        Thread vt = g.vthread;
        Thread own = vt != null ? vt : (m != null && m.curg == g ? carrier : null);
        String label = g.label;
        StringBuilder b = new StringBuilder();
        b.append("goroutine ").append(g.id);
        if (label != null) {
            b.append(" (").append(label).append(')');
        }
        b.append(String.format(Locale.ROOT, " has not ended after %.1f s: ", (now - g.createdNanos) / 1e9));
        b.append(doing(g, st, own));
        if (own != null) {
            b.append(" on ").append(own.getName().isEmpty() ? own.toString() : own.getName());
        }
        if (withStack && own != null) {
            StackTraceElement[] stack = own.getStackTrace();
            Arrays.stream(stack).limit(STACK_FRAMES).forEach(f -> b.append("\n\tat ").append(f));
            if (stack.length > STACK_FRAMES) {
                b.append("\n\t... ").append(stack.length - STACK_FRAMES).append(" more");
            }
        }
        return b.toString();
    }

    private static String doing(G g, GStatus st, Thread own) {
        String reason = g.waitReason;
        switch (st) {
            case RUNNING:
                return "running on CPU";
            case PREEMPTED:
                return "running on CPU without its P (preempted)";
            case SYSCALL:
                return "blocked in a call" + (reason == null || reason.equals("syscall") ? " (announced)"
                        : " (" + reason + ")");
            case WAITING:
                Object blocker = own == null ? null : LockSupport.getBlocker(own);
                return "parked" + (blocker == null ? "" : " on " + blocker.getClass().getName());
            case RUNNABLE:
                return g.lockedm != null ? "waiting for a P to go on (" + reason + ")" : "waiting for a P to start";
            default:
                return st.name();
        }
    }
}
