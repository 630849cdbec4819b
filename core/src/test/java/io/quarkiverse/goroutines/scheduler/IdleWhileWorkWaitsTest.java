package io.quarkiverse.goroutines.scheduler;

import static io.quarkiverse.goroutines.scheduler.Schedulers.config;
import static io.quarkiverse.goroutines.scheduler.Schedulers.spin;
import static io.quarkiverse.goroutines.scheduler.Schedulers.stop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.quarkiverse.goroutines.Go;

/**
 * The spinning protocol's promise: work never sits queued behind busy Ps while a P is idle and no M looks for it
 * (the symptom of golang/go#45867 that Go 1.21's {@code needspinning} fixed). A watcher samples the scheduler while
 * long Gs spawn children behind themselves, with several seeds, and fails if that state lasts.
 */
class IdleWhileWorkWaitsTest {
    /** Longer than any transient of the protocol, even on a loaded 2-core machine. */
    private static final long STUCK_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    @Test
    void noPIdlesWhileWorkWaits() throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            run(seed);
        }
    }

    private static void run(long seed) throws Exception {
        Scheduler s = Scheduler.start(config(4).name("idle" + seed).blockingDetection(false).build());
        AtomicBoolean stop = new AtomicBoolean();
        long[] worst = new long[1];
        Thread watcher = new Thread(() -> {
            long since = 0;
            while (!stop.get()) {
                long now = System.nanoTime();
                if (idleWhileWorkWaits(s)) {
                    if (since == 0) {
                        since = now;
                    }
                    worst[0] = Math.max(worst[0], now - since);
                } else {
                    since = 0;
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        watcher.start();
        try {
            SplittableRandom rnd = new SplittableRandom(seed);
            int roots = 40;
            AtomicInteger left = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(1);
            for (int i = 0; i < roots; i++) {
                long parentNanos = TimeUnit.MILLISECONDS.toNanos(5 + rnd.nextInt(40));
                int children = 1 + rnd.nextInt(6);
                long childNanos = TimeUnit.MILLISECONDS.toNanos(1 + rnd.nextInt(10));
                left.addAndGet(1 + children);
                s.execute(() -> {
                    for (int c = 0; c < children; c++) {
                        Go.go(() -> {
                            spin(childNanos);
                            if (left.decrementAndGet() == 0) {
                                done.countDown();
                            }
                        });
                    }
                    spin(parentNanos); // the children wait behind this G unless another P steals them
                    if (left.decrementAndGet() == 0) {
                        done.countDown();
                    }
                });
            }
            assertTrue(done.await(60, TimeUnit.SECONDS), "the workload did not finish:\n" + s.schedtrace(true));
        } finally {
            stop.set(true);
            watcher.join();
            stop(s);
        }
        System.out.printf("seed %d: longest idle-P-while-work-waits stretch %d ms%n", seed,
                TimeUnit.NANOSECONDS.toMillis(worst[0]));
        assertTrue(worst[0] < STUCK_NANOS, "seed " + seed + ": a P stayed idle for "
                + TimeUnit.NANOSECONDS.toMillis(worst[0]) + " ms while work waited and no M spun");
    }

    /**
     * The queue of a P in transit to the M that {@code startm} woke for it (taken off the idle list, still IDLE) is
     * that M's work, not work an M going idle could take: counting it kept such an M spinning on it until the woken M
     * got a core, up to a scheduler tick (the announced hand-off's p99 was 4 ms).
     */
    @Test
    void aQueueInTransitToAWokenMIsNotWorkForOthers() throws Exception {
        Scheduler s = Scheduler.start(config(2).name("transit").build());
        Sched sched = s.sched;
        P p = null;
        try {
            CountDownLatch idle = new CountDownLatch(1);
            s.execute(idle::countDown);
            assertTrue(idle.await(5, TimeUnit.SECONDS));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while ((p = sched.pidleget()) == null && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // the Ms give their Ps back once they find nothing
            }
            assertNotNull(p, "no P went idle");
            assertEquals(PStatus.IDLE, p.status());
            G g = new G();
            p.runq.put(g, false, gs -> fail("overflow of a one-G queue"));
            assertFalse(p.runq.isEmpty());
            assertFalse(s.idle.anyWork(), "an IDLE P's queue counted as work for an M going idle");
        } finally {
            if (p != null) {
                p.runq.drainTo(new ArrayList<>());
                sched.lock.lock();
                try {
                    sched.pidleputLocked(p);
                } finally {
                    sched.lock.unlock();
                }
            }
            stop(s);
        }
    }

    /** A P is idle, nobody spins, and a run queue holds a G. */
    private static boolean idleWhileWorkWaits(Scheduler s) {
        Sched sched = s.sched;
        if (sched.npidle.get() == 0 || sched.nmspinning.get() != 0) {
            return false;
        }
        if (sched.runqsize > 0) {
            return true;
        }
        P[] ps = sched.allp;
        for (int i = 0; i < sched.gomaxprocs; i++) {
            if (!ps[i].runq.isEmpty()) {
                return true;
            }
        }
        return false;
    }
}
