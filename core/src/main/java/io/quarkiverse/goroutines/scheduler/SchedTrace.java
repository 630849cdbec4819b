package io.quarkiverse.goroutines.scheduler;

/**
 * Formats {@code SCHED} lines like Go's {@code GODEBUG=schedtrace=X,scheddetail=1}:
 *
 * <pre>
 * SCHED 1000ms: gomaxprocs=2 idleprocs=0 threads=9 spinningthreads=1 idlethreads=3 runqueue=4 [1 0]
 * </pre>
 *
 * With detail, the brackets give way to one line per P, M and live G.
 */
final class SchedTrace {
    private SchedTrace() {
    }

    static String format(Scheduler s, boolean detail) {
        SchedSnapshot snap = s.snapshot();
        StringBuilder b = new StringBuilder(128);
        b.append("SCHED ").append(snap.uptimeMillis()).append("ms: gomaxprocs=").append(snap.procs())
                .append(" idleprocs=").append(snap.idleProcs())
                .append(" threads=").append(snap.threads())
                .append(" spinningthreads=").append(snap.spinningThreads())
                .append(" idlethreads=").append(snap.idleThreads())
                .append(" runqueue=").append(snap.globalRunqueue());
        if (!detail) {
            b.append(" [");
            for (int i = 0; i < snap.ps().size(); i++) {
                if (i > 0) {
                    b.append(' ');
                }
                b.append(snap.ps().get(i).runqsize());
            }
            b.append(']');
            return b.toString();
        }
        b.append(" gcwaiting=").append(s.sched.gcwaiting ? 1 : 0)
                .append(" exitsyscallwaiting=").append(snap.exitsyscallWaiting());
        for (SchedSnapshot.PInfo p : snap.ps()) {
            b.append("\n  P").append(p.id()).append(": status=").append(p.status().ordinal())
                    .append(" schedtick=").append(p.schedtick())
                    .append(" syscalltick=").append(p.syscalltick())
                    .append(" m=").append(p.m() < 0 ? "nil" : String.valueOf(p.m()))
                    .append(" runqsize=").append(p.runqsize())
                    .append(" gfreecnt=").append(p.gfreecnt());
        }
        for (SchedSnapshot.MInfo m : snap.ms()) {
            b.append("\n  M").append(m.id()).append(": p=").append(m.p() < 0 ? "nil" : String.valueOf(m.p()))
                    .append(" curg=").append(m.curg() < 0 ? "nil" : String.valueOf(m.curg()))
                    .append(" spinning=").append(m.spinning())
                    .append(" blocked=").append(m.idle())
                    .append(" thread=").append(m.thread());
        }
        for (G g : s.allgs()) {
            if (g == null) {
                continue;
            }
            GStatus st = g.status();
            if (!st.live()) {
                continue;
            }
            M m = g.m;
            String reason = g.waitReason;
            b.append("\n  G").append(g.id).append(": status=").append(st.goValue)
                    .append(reason == null ? "" : "(" + reason + ")")
                    .append(" m=").append(m == null ? "nil" : String.valueOf(m.id))
                    .append(" lockedm=").append(g.lockedm == null ? "nil" : String.valueOf(g.lockedm.id));
        }
        return b.toString();
    }
}
