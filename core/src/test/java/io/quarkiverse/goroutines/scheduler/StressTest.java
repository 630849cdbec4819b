package io.quarkiverse.goroutines.scheduler;

import static io.quarkiverse.goroutines.scheduler.Schedulers.config;
import static io.quarkiverse.goroutines.scheduler.Schedulers.stop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkiverse.goroutines.Go;

/** Many tiny Gs over every P: each must run exactly once. */
class StressTest {

    @Test
    void aMillionTinyGs() throws Exception {
        int procs = Math.max(2, Runtime.getRuntime().availableProcessors());
        Scheduler s = Scheduler.start(config(procs).maxRunnable(2_000_000).build());
        try {
            int n = 1_000_000;
            AtomicIntegerArray runs = new AtomicIntegerArray(n);
            AtomicLong sum = new AtomicLong();
            CountDownLatch done = new CountDownLatch(n);
            Thread[] submitters = new Thread[2];
            for (int t = 0; t < submitters.length; t++) {
                int from = t;
                submitters[t] = new Thread(() -> {
                    for (int i = from; i < n; i += submitters.length) {
                        int id = i;
                        s.execute(() -> {
                            runs.incrementAndGet(id);
                            sum.addAndGet(id);
                            done.countDown();
                        });
                    }
                });
                submitters[t].start();
            }
            for (Thread t : submitters) {
                t.join();
            }
            assertTrue(done.await(120, TimeUnit.SECONDS), done.getCount() + " Gs never ran");
            for (int i = 0; i < n; i++) {
                assertEquals(1, runs.get(i), "G " + i + " ran " + runs.get(i) + " times");
            }
            assertEquals((long) n * (n - 1) / 2, sum.get());
            SchedSnapshot.Counters c = s.snapshot().counters();
            System.out.println("stress: 1,000,000 Gs on " + procs + " Ps, steals=" + c.steals() + " threads="
                    + s.snapshot().threads());
        } finally {
            stop(s);
        }
    }

    /**
     * Seeded mixes of external submits, Go.go fan-out from inside Gs (local queues, runnext, overflow, stealing),
     * yields and short syscalls, on 1 to 4 Ps.
     */
    @ParameterizedTest
    @ValueSource(longs = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 })
    void seededMixes(long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        int procs = 1 + rnd.nextInt(4);
        Scheduler s = Scheduler.start(config(procs).maxRunnable(1_000_000).build());
        try {
            int roots = 2_000 + rnd.nextInt(3_000);
            int fanout = 1 + rnd.nextInt(40);
            int total = roots * (1 + fanout);
            AtomicIntegerArray runs = new AtomicIntegerArray(total);
            CountDownLatch done = new CountDownLatch(total);
            long[] kinds = new long[roots];
            for (int i = 0; i < roots; i++) {
                kinds[i] = rnd.nextLong();
            }
            for (int r = 0; r < roots; r++) {
                int root = r;
                long kind = kinds[r];
                s.execute(() -> {
                    runs.incrementAndGet(root * (1 + fanout));
                    for (int k = 1; k <= fanout; k++) {
                        int id = root * (1 + fanout) + k;
                        Go.go(() -> {
                            runs.incrementAndGet(id);
                            done.countDown();
                        });
                    }
                    try {
                        if ((kind & 7) == 0) {
                            Go.yield();
                        } else if ((kind & 7) == 1) {
                            Go.syscall(() -> Thread.sleep(0, 50_000));
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    done.countDown();
                });
            }
            assertTrue(done.await(60, TimeUnit.SECONDS), "seed " + seed + ": " + done.getCount() + " Gs never ran");
            for (int i = 0; i < total; i++) {
                assertEquals(1, runs.get(i), "seed " + seed + ": G " + i + " ran " + runs.get(i) + " times");
            }
        } finally {
            stop(s);
        }
    }
}
