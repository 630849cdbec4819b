package io.quarkiverse.goroutines.runtime;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.jboss.logging.Logger;

import io.quarkiverse.goroutines.scheduler.SchedSnapshot;
import io.quarkiverse.goroutines.scheduler.Scheduler;

/**
 * Says in the log when a handler seems never to return: a G that sits on its M without a P (its P was handed off so
 * the other Gs keep running) across two checks, {@link #PERIOD} apart, is reported once with its thread.
 * <p>
 * One daemon thread; reads {@link Scheduler#snapshot()} only, so it changes nothing in the scheduler.
 */
final class StuckGoroutineReporter implements Runnable {

    static final Duration PERIOD = Duration.ofSeconds(1);
    private static final Logger LOG = Logger.getLogger("io.quarkiverse.goroutines");

    private final Scheduler scheduler;
    private final Thread thread;
    /** G id → thread name, for Gs seen blocked without a P at the previous check. */
    private Map<Long, String> blockedBefore = new HashMap<>();
    private final Set<Long> reported = new HashSet<>();

    StuckGoroutineReporter(Scheduler scheduler) {
        this.scheduler = scheduler;
        this.thread = new Thread(this, "goroutines-stuck-reporter");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void stop() {
        thread.interrupt();
    }

    @Override
    public void run() {
        while (!scheduler.isShutdown()) {
            try {
                Thread.sleep(PERIOD.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            check(scheduler.snapshot());
        }
    }

    void check(SchedSnapshot snapshot) {
        // An M runs a G without a P when no P names it as its M (the P was handed off).
        Set<Long> msWithP = new HashSet<>();
        for (SchedSnapshot.PInfo p : snapshot.ps()) {
            msWithP.add(p.m());
        }
        Map<Long, String> blockedNow = new HashMap<>();
        for (SchedSnapshot.MInfo m : snapshot.ms()) {
            if (m.curg() > 0 && !msWithP.contains(m.id())) {
                blockedNow.put(m.curg(), m.thread());
            }
        }
        for (Map.Entry<Long, String> e : blockedNow.entrySet()) {
            if (blockedBefore.containsKey(e.getKey()) && reported.add(e.getKey())) {
                LOG.warnf("Goroutines: goroutine %d on %s has been blocked for more than %d ms and has not returned; "
                        + "its P was handed off, other requests keep running", e.getKey(), e.getValue(),
                        PERIOD.toMillis());
            }
        }
        reported.retainAll(blockedNow.keySet());
        blockedBefore = blockedNow;
    }
}
