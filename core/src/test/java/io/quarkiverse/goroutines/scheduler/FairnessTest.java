package io.quarkiverse.goroutines.scheduler;

import static io.quarkiverse.goroutines.scheduler.Schedulers.config;
import static io.quarkiverse.goroutines.scheduler.Schedulers.spin;
import static io.quarkiverse.goroutines.scheduler.Schedulers.stop;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

/**
 * Fairness between a P's own queue and the global queue under a sustained backlog. The global queue goes first once
 * its oldest G has waited 10 ms, but only while that G is also older than the oldest G of the P's own queue: under
 * an overload the global head is always older than 10 ms, and a rule without the comparison left a G readied into
 * {@code runnext} (and the local ring behind it) waiting until the whole backlog had drained.
 */
class FairnessTest {
    /** CPU per fed G; Gs arrive about twice as fast as one P runs them. */
    private static final long WORK = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void aReadiedGRunsWhileTheGlobalBacklogLasts() throws Exception {
        Scheduler s = Scheduler.start(config(1).name("fair").blockingDetection(false).build());
        AtomicBoolean feeding = new AtomicBoolean(true);
        CountDownLatch ran = new CountDownLatch(1);
        AtomicInteger globalWhenRun = new AtomicInteger(-1);
        Thread feeder = new Thread(() -> {
            int i = 0;
            while (feeding.get()) {
                if (++i == 50) {
                    s.go(() -> {
                        spin(WORK);
                        // From inside a G: the child goes to this P's runnext, behind an old global backlog.
                        s.go(() -> {
                            globalWhenRun.set(s.sched.runqsize);
                            ran.countDown();
                        });
                    });
                } else {
                    s.go(() -> spin(WORK));
                }
                LockSupport.parkNanos(WORK / 2);
            }
        }, "feeder");
        feeder.start();
        try {
            assertTrue(ran.await(5, TimeUnit.SECONDS),
                    "a G readied into runnext did not run within 5 s while the global queue kept a backlog");
        } finally {
            feeding.set(false);
            feeder.join();
            stop(s);
        }
        assertTrue(globalWhenRun.get() > 0,
                "the readied G ran only once the global backlog had drained: " + globalWhenRun.get());
    }

    /**
     * The global ready queue ({@code readyq}) is served before new work, so wake-ups that arrive as fast as the Ps take
     * Gs could hold a new G back for good: every {@value Schedule#GLOBAL_FAIRNESS_TICKS}th take serves new work
     * first. Here a wake-up arrives before every single take.
     */
    @Test
    void wakeUpsArrivingBeforeEveryTakeCannotHoldNewWorkBack() {
        Sched sched = new Sched(1);
        P p = sched.allp[0];
        G fresh = new G();
        sched.globrunqput(fresh);
        int takes = 0;
        G got;
        do {
            sched.lock.lock();
            try {
                sched.globrunqputReadyLocked(new G());
            } finally {
                sched.lock.unlock();
            }
            got = sched.globrunqget(p, 1);
            takes++;
        } while (got != fresh && takes < 10 * Schedule.GLOBAL_FAIRNESS_TICKS);
        assertSame(fresh, got, "new work never taken while wake-ups kept coming");
        assertTrue(takes <= Schedule.GLOBAL_FAIRNESS_TICKS, "new work taken only after " + takes + " takes");
    }
}
