package io.quarkiverse.goroutines.scheduler;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A view of the whole scheduler at one moment: Ps, Ms, Gs by state, queue lengths and counters.
 * <p>
 * Taken without stopping anything: each field is read once, with the global queue, idle lists and M list read under
 * the scheduler lock so that they agree with each other; per-P fields are read right after. Costs O(Ps + Ms + peak
 * Gs) reads, well under a millisecond for thousands of Gs.
 */
public record SchedSnapshot(
        long uptimeMillis,
        int procs,
        int idleProcs,
        int threads,
        int idleThreads,
        int spinningThreads,
        int globalRunqueue,
        int exitsyscallWaiting,
        Map<GStatus, Integer> goroutinesByState,
        List<PInfo> ps,
        List<MInfo> ms,
        Counters counters,
        boolean shedding) {

    /** One P. */
    public record PInfo(int id, PStatus status, long schedtick, long syscalltick, long m, int runqsize,
            boolean runnext, int gfreecnt, long steals, long handoffs) {
    }

    /** One M. */
    public record MInfo(long id, String thread, int p, long curg, boolean spinning, boolean idle, String curgState,
            String waitReason) {

        /** The states {@link #state()} names. */
        public static final List<String> STATES = List.of("running", "spinning", "syscall", "waiting", "idle",
                "scheduling");

        /**
         * What the M does: {@code running} a G with a P, {@code spinning} (looking for work with a P),
         * {@code syscall} (its G blocks, announced or detected), {@code waiting} for a P to run its G again,
         * {@code idle} (parked without a P), or {@code scheduling} (holds a P between two Gs).
         */
        public String state() {
            if (idle) {
                return "idle";
            }
            if (spinning) {
                return "spinning";
            }
            if ("SYSCALL".equals(curgState) || "PREEMPTED".equals(curgState)) {
                return "syscall";
            }
            if (curg >= 0) {
                return p >= 0 ? "running" : "waiting";
            }
            return "scheduling";
        }
    }

    /**
     * Scheduler-wide counters since start.
     *
     * @param completed Gs that ended
     * @param handoffs Ps handed to another M (announced blocking, sysmon's retakes and detections)
     * @param syscallRetakes Ps sysmon took from a G in an announced call
     * @param blockedDetected unannounced blocking seen by the JVM's thread state (BLOCKED, WAITING, TIMED_WAITING)
     * @param nativeDetected unannounced blocking in native code (the JVM says RUNNABLE; the kernel has the thread
     *        asleep, or its CPU time stalled)
     * @param nativeFalse those of {@code nativeDetected} found needless on sysmon's next look: the thread ran again
     *        while its G was still detached (a JVM safepoint, a lock inside the JVM), or the G had moved on already
     * @param longRunningReported Gs reported for not having ended after {@code report.after}
     * @param longRunningHandoffs Gs preempted: they lost their P after holding it a whole slice
     * @param detectNanosMax the longest a detected G had run before its detection
     * @param detectNanosAvg the mean of the same
     * @param exitsyscallWaits Gs back from a call that found no P and queued for one
     * @param panics Gs that ended with an exception
     * @param rejected Gs refused (shut down, {@code max-runnable}, shedding)
     * @param dropped queued Gs dropped at shutdown
     * @param mLimitHits times an M was needed at the {@code max-threads} cap
     * @param resizes changes of {@code procs}
     * @param steals steals by spinning Ms
     * @param spawned Gs made (an upper bound: ids cached by Ps count)
     * @param shed requests refused while shedding
     * @param sheddingEpisodes times the scheduler began to shed
     */
    public record Counters(long completed, long handoffs, long syscallRetakes, long blockedDetected,
            long nativeDetected, long nativeFalse, long longRunningReported, long longRunningHandoffs, long detectNanosMax,
            long detectNanosAvg, long exitsyscallWaits, long panics, long rejected, long dropped, long mLimitHits,
            long resizes, long steals, long spawned, long shed, long sheddingEpisodes) {

        /** Gs that lost their P to another after holding it for a whole slice (Go's preemption). */
        public long preemptions() {
            return longRunningHandoffs;
        }
    }

    /** Live goroutines (not dead, not idle). */
    public int goroutines() {
        int n = 0;
        for (Map.Entry<GStatus, Integer> e : goroutinesByState.entrySet()) {
            if (e.getKey().live()) {
                n += e.getValue();
            }
        }
        return n;
    }

    static SchedSnapshot take(Scheduler s) {
        int procs;
        int idle;
        int runq;
        int waiting;
        M[] ms;
        s.sched.lock.lock();
        try {
            procs = s.sched.gomaxprocs;
            idle = s.sched.npidle.get();
            runq = s.sched.runqsize;
            ms = s.allm();
        } finally {
            s.sched.lock.unlock();
        }
        waiting = 0;
        for (M m : ms) {
            G g = m.curg;
            if (g != null && g.lockedm == m && g.status() == GStatus.RUNNABLE) {
                waiting++; // started, back from a call or a yield, waiting on its own M for a P
            }
        }
        P[] allp = s.allp();
        List<PInfo> ps = new ArrayList<>(procs);
        long steals = 0;
        for (int i = 0; i < procs && i < allp.length; i++) {
            P p = allp[i];
            M pm = p.m;
            ps.add(new PInfo(p.id, p.status(), p.schedtick, p.syscalltick, pm == null ? -1 : pm.id, p.runq.size(),
                    p.runq.runnext.get() != null, p.gFreeCount, p.steals, p.handoffs));
        }
        for (P p : allp) {
            // Every P ever made, dead ones too, so that the total never goes down after a shrinking resize.
            steals += p.steals;
        }
        List<MInfo> mis = new ArrayList<>(ms.length);
        int spinning = 0;
        int idleMs = 0;
        for (M m : ms) {
            P mp = m.p;
            G g = m.curg;
            boolean isIdle = mp == null && g == null;
            if (m.spinning) {
                spinning++;
            }
            if (isIdle) {
                idleMs++;
            }
            Thread t = m.thread;
            mis.add(new MInfo(m.id, t == null ? "" : t.getName(), mp == null ? -1 : mp.id, g == null ? -1 : g.id,
                    m.spinning, isIdle, g == null ? null : g.status().name(), g == null ? null : g.waitReason));
        }
        Map<GStatus, Integer> byState = new EnumMap<>(GStatus.class);
        for (GStatus st : GStatus.values()) {
            byState.put(st, 0);
        }
        for (G g : s.allgs()) {
            if (g != null) {
                byState.merge(g.status(), 1, Integer::sum);
            }
        }
        SchedStats st = s.stats;
        long detections = st.blockedDetected.get() + st.nativeDetected.get() + st.longRunningHandoffs.get();
        Counters c = new Counters(st.completed(), st.handoffs.get(), st.syscallRetakes.get(),
                st.blockedDetected.get(), st.nativeDetected.get(), st.nativeFalse.get(), st.longRunningReported.get(),
                st.longRunningHandoffs.get(), st.detectNanosMax.get(),
                detections == 0 ? 0 : st.detectNanosTotal.get() / detections, st.exitsyscallWaits.get(),
                st.panics.get(), st.rejected.get(), st.dropped.get(), st.mLimitHits.get(), st.resizes.get(), steals,
                s.spawned(), st.shed.get(), st.sheddingEpisodes.get());
        long uptime = (System.nanoTime() - s.startNanos) / 1_000_000;
        return new SchedSnapshot(uptime, procs, idle, ms.length, idleMs, spinning, runq, waiting, byState,
                List.copyOf(ps), List.copyOf(mis), c, s.shedding());
    }
}
