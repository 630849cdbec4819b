package io.quarkiverse.goroutines.scheduler;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Scheduler-wide counters, for snapshots and tests. */
final class SchedStats {
    final AtomicLong handoffs = new AtomicLong();
    final AtomicLong syscallRetakes = new AtomicLong();
    final AtomicLong blockedDetected = new AtomicLong();
    final AtomicLong nativeDetected = new AtomicLong();
    /**
     * Native hand-offs ({@link #nativeDetected}) proved needless on sysmon's next look: the thread was running again
     * while its G was still detached, or the G had already moved on. A thread held at a JVM safepoint or waiting on a
     * lock inside the JVM reads as asleep to the kernel; so does a native call shorter than one pass.
     */
    final AtomicLong nativeFalse = new AtomicLong();
    /** Stalled-CPU suspicions the kernel showed to be a thread waiting for a core, not blocked. */
    final AtomicLong nativeRejected = new AtomicLong();
    final AtomicLong longRunningReported = new AtomicLong();
    final AtomicLong longRunningHandoffs = new AtomicLong();
    /** Time from a P's last schedtick to its detection as blocked: total and maximum, in nanoseconds. */
    final AtomicLong detectNanosTotal = new AtomicLong();
    final AtomicLong detectNanosMax = new AtomicLong();
    final AtomicLong exitsyscallWaits = new AtomicLong();
    final AtomicLong panics = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong mLimitHits = new AtomicLong();
    final AtomicLong resizes = new AtomicLong();
    final LongAdder gCompleted = new LongAdder();
    /** Work refused because Gs waited too long for a P (admission by queueing delay). */
    final AtomicLong shed = new AtomicLong();
    /** Times the scheduler began to shed. */
    final AtomicLong sheddingEpisodes = new AtomicLong();

    long completed() {
        return gCompleted.sum();
    }

    void recordDetection(long nanos) {
        detectNanosTotal.addAndGet(nanos);
        detectNanosMax.accumulateAndGet(nanos, Math::max);
    }
}
