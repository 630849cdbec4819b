package io.quarkiverse.goroutines.scheduler;

import static io.quarkiverse.goroutines.scheduler.Schedulers.config;
import static io.quarkiverse.goroutines.scheduler.Schedulers.stop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.quarkiverse.goroutines.Go;

/** Go's procresize: stop the world, move removed Ps' work to the global queue, mark them DEAD, reuse them. */
class ResizeTest {

    @Test
    void shrinkMarksPsDeadAndGrowReusesThem() throws Exception {
        Scheduler s = Scheduler.start(config(3).build());
        try {
            P p2 = s.allp()[2];
            assertEquals(3, s.procs(1));
            assertEquals(PStatus.DEAD, p2.status());
            assertEquals(PStatus.DEAD, s.allp()[1].status());
            assertEquals(1, s.snapshot().ps().size());
            assertEquals(1, s.procs(4));
            assertSame(p2, s.allp()[2], "a grown P must be the old DEAD one, reused");
            assertTrue(p2.status() == PStatus.IDLE || p2.status() == PStatus.RUNNING, "P2 is " + p2.status());
            assertEquals(4, s.snapshot().ps().size());
            assertEquals(4, s.submit(() -> Go.maxProcs()).get(5, TimeUnit.SECONDS));
            assertThrows(IllegalArgumentException.class, () -> s.procs(0));
        } finally {
            stop(s);
        }
    }

    @Test
    void resizeUnderLoadLosesNothing() throws Exception {
        Scheduler s = Scheduler.start(config(2).maxRunnable(1_000_000).build());
        try {
            int n = 200_000;
            AtomicLong sum = new AtomicLong();
            CountDownLatch done = new CountDownLatch(n);
            Thread submitter = new Thread(() -> {
                for (int i = 0; i < n; i++) {
                    long v = i;
                    if (i % 2 == 0) {
                        s.execute(() -> {
                            sum.addAndGet(v);
                            done.countDown();
                        });
                    } else {
                        // Half come from inside Gs, onto local queues that resizes must move.
                        s.execute(() -> Go.go(() -> {
                            sum.addAndGet(v);
                            done.countDown();
                        }));
                    }
                }
            });
            submitter.start();
            int[] sizes = { 4, 1, 3, 2, 1, 4 };
            for (int size : sizes) {
                s.procs(size);
            }
            // A resize from inside a G as well.
            Future<Integer> inner = s.submit(() -> Go.maxProcs(2));
            assertEquals(4, inner.get(10, TimeUnit.SECONDS));
            submitter.join();
            assertTrue(done.await(30, TimeUnit.SECONDS), "Gs lost in resizes: " + done.getCount() + " missing");
            assertEquals((long) n * (n - 1) / 2, sum.get());
            assertEquals(2, s.procs());
            assertTrue(s.snapshot().counters().resizes() >= 6);
        } finally {
            stop(s);
        }
    }

    @Test
    void resizeDoesNotWaitForABlockedG() throws Exception {
        Scheduler s = Scheduler.start(config(2).blockingDetection(false).build());
        try {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            s.execute(Schedulers.blockUntil(started, release));
            assertTrue(started.await(5, TimeUnit.SECONDS));
            // The blocked G's P is taken as if it were in a syscall: the resize completes while it still waits.
            assertEquals(2, s.procs(1));
            assertEquals(1, release.getCount());
            CountDownLatch ran = new CountDownLatch(1);
            s.execute(ran::countDown);
            assertTrue(ran.await(5, TimeUnit.SECONDS));
            release.countDown();
        } finally {
            stop(s);
        }
    }
}
