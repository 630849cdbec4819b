package io.quarkiverse.goroutines.scheduler;

import java.util.List;

/**
 * What {@link Scheduler#shutdownGracefully} did.
 *
 * @param completed Gs that finished while shutting down
 * @param dropped tasks of Gs that were queued and never started
 * @param stillRunning Gs still running when the timeout expired (they run on; their threads end after them)
 */
public record ShutdownReport(long completed, List<Runnable> dropped, int stillRunning) {
    public ShutdownReport {
        dropped = List.copyOf(dropped);
    }

    /** Whether nothing was lost. */
    public boolean clean() {
        return dropped.isEmpty() && stillRunning == 0;
    }
}
