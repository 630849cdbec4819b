package io.quarkiverse.goroutines.scheduler;

import static io.quarkiverse.goroutines.scheduler.Schedulers.config;
import static io.quarkiverse.goroutines.scheduler.Schedulers.stop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The snapshot agrees with what is going on, and is cheap enough to take ten times a second under load. */
class SnapshotTest {

    @Test
    void countsGsByStateAndStaysCheap() throws Exception {
        Scheduler s = Scheduler.start(config(1).blockingDetection(false).maxRunnable(1_000_000).build());
        try {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            s.execute(Schedulers.holdP(started, release));
            assertTrue(started.await(5, TimeUnit.SECONDS));
            int queued = 100_000;
            CountDownLatch ran = new CountDownLatch(queued);
            for (int i = 0; i < queued; i++) {
                s.execute(ran::countDown);
            }
            SchedSnapshot snap = s.snapshot();
            assertEquals(1, (int) snap.goroutinesByState().get(GStatus.RUNNING));
            assertEquals(queued, (int) snap.goroutinesByState().get(GStatus.RUNNABLE));
            assertEquals(queued + 1, snap.goroutines());
            assertEquals(queued, snap.globalRunqueue() + snap.ps().get(0).runqsize());
            assertEquals(PStatus.RUNNING, snap.ps().get(0).status());
            long[] micros = new long[21];
            for (int i = 0; i < micros.length; i++) {
                long t0 = System.nanoTime();
                s.snapshot();
                micros[i] = (System.nanoTime() - t0) / 1000;
            }
            Arrays.sort(micros);
            System.out.println("snapshot with " + (queued + 1) + " live Gs: median " + micros[10] + " us, max "
                    + micros[20] + " us");
            assertTrue(micros[10] < 100_000, "a snapshot must take well under 100 ms: " + micros[10] + " us");
            release.countDown();
            assertTrue(ran.await(30, TimeUnit.SECONDS));
        } finally {
            stop(s);
        }
    }
}
