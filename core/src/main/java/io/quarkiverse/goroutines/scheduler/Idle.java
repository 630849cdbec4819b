package io.quarkiverse.goroutines.scheduler;

/**
 * Spinning Ms and wake-ups (Go's {@code wakep}, {@code resetspinning}, {@code needspinning}, and the "worker thread
 * parking/unparking" comment at the top of {@code proc.go}).
 *
 * <h2>The protocol</h2>
 * New work must never sit in a queue while a P is idle and no M looks for it. Go keeps this without waking an M for
 * every submission:
 * <ul>
 * <li>A submitter enqueues, then calls {@link #wakep}: if no M spins it starts one spinning M on an idle P. At most
 * one spinner is started this way; a spinner that finds work wakes the next ({@link #resetspinning}: a cascade).</li>
 * <li>A spinner that gives up first decrements {@code nmspinning}, then rechecks every queue ({@link #anyWork}).
 * Both sides use sequentially consistent atomics, so a G enqueued concurrently with a spinner going idle is seen by
 * one of them.</li>
 * <li>When {@code wakep} finds no idle P it sets {@code needspinning} under the scheduler lock. An M that is about
 * to give its P up checks it under the same lock and spins instead (Go 1.21). Without this, work queued behind
 * busy Ps while their spinners were busy stealing waited for new arrivals (golang/go#45867).</li>
 * </ul>
 */
final class Idle {
    private final Scheduler s;
    private final Sched sched;

    Idle(Scheduler s) {
        this.s = s;
        this.sched = s.sched;
    }

    /**
     * Go's {@code wakep}: if nobody spins, start one spinning M on an idle P; if no P is idle, ask the next M that
     * would go idle to spin instead. Called after new work appears. Never blocks beyond the scheduler lock.
     */
    void wakep() {
        if (sched.nmspinning.get() != 0) {
            return; // a spinner will find the work (and wake the next when it does)
        }
        if (sched.npidle.get() == 0 && sched.needspinning) {
            return; // already asked, and nobody has become spinning since
        }
        if (!sched.nmspinning.compareAndSet(0, 1)) {
            return;
        }
        P p;
        sched.lock.lock();
        try {
            p = sched.pidlegetLocked();
            if (p == null) {
                // Work we cannot take: an M about to drop its P must spin instead (checked under this lock).
                sched.needspinning = true;
                sched.nmspinning.decrementAndGet();
                return;
            }
        } finally {
            sched.lock.unlock();
        }
        s.ms.startm(p, true);
    }

    /**
     * After a G was put on the global queue by a thread that may hold no P: make sure somebody runs it, and when every
     * P is busy let sysmon look soon, in case one of them is stuck.
     */
    void wakeForGlobal() {
        wakep();
        if (sched.npidle.get() == 0 && sched.nmspinning.get() == 0) {
            s.sysmon.wake();
        }
    }

    /** Marks {@code m} spinning and counts it (Go's {@code becomeSpinning}). */
    void becomeSpinning(M m) {
        m.spinning = true;
        sched.nmspinning.incrementAndGet();
        sched.needspinning = false;
    }

    /** A spinning M found work: stop spinning, and wake another spinner to look for more (Go's cascade). */
    void resetspinning(M m) {
        assert m.spinning;
        m.spinning = false;
        if (sched.nmspinning.decrementAndGet() < 0) {
            throw new IllegalStateException("resetspinning: negative nmspinning");
        }
        wakep();
    }

    /** A spinning M stops spinning without having found work. */
    void dropspinning(M m) {
        m.spinning = false;
        if (sched.nmspinning.decrementAndGet() < 0) {
            throw new IllegalStateException("dropspinning: negative nmspinning");
        }
    }

    /**
     * Whether a run queue holds a G that an M without a P could take (Go's {@code checkRunqsNoP}, without taking a
     * P): the global queue, or the local queue of a P that some M runs or that waits in a syscall.
     * <p>
     * An IDLE P is skipped. Ps on the idle list have empty queues ({@code pidleputLocked} moves leftovers to the
     * global queue), so an IDLE P with queued Gs is one in transit to the M that {@code startm} just woke for them;
     * nobody may steal from it ({@code stealWork} skips it too). Counting it made the M that had gone idle spin
     * without pause (find work, fail to steal it, take a P, look again) until the woken M got a core, and on a small
     * machine that M was often waiting for exactly this core: announced hand-offs waited up to a scheduler tick
     * (4 ms) in 1 of 7 cases.
     */
    boolean anyWork() {
        if (sched.runqsize > 0) {
            return true;
        }
        P[] ps = sched.allp;
        int n = sched.gomaxprocs;
        for (int i = 0; i < n && i < ps.length; i++) {
            P p = ps[i];
            if (!p.runq.isEmpty() && p.status() != PStatus.IDLE) {
                return true;
            }
        }
        return false;
    }
}
