package io.quarkiverse.goroutines.scheduler;

import static io.quarkiverse.goroutines.scheduler.Schedulers.config;
import static io.quarkiverse.goroutines.scheduler.Schedulers.stop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.quarkiverse.goroutines.Go;

/** Dead Gs are recycled (Go's gfput/gfget): the number of G objects follows the peak of live Gs, not the total. */
class FreeListTest {

    @Test
    void gsAreReusedWithFreshIds() throws Exception {
        Scheduler s = Scheduler.start(config(2).build());
        try {
            int rounds = 200;
            int perRound = 100;
            Set<Long> ids = new HashSet<>();
            for (int r = 0; r < rounds; r++) {
                CountDownLatch done = new CountDownLatch(perRound);
                long[] seen = new long[perRound];
                // Spawned from inside a G, so they come from and go back to the P's local free list.
                s.execute(() -> {
                    for (int i = 0; i < perRound; i++) {
                        int k = i;
                        Go.go(() -> {
                            seen[k] = Go.current().orElseThrow().id();
                            done.countDown();
                        });
                    }
                });
                assertTrue(done.await(10, TimeUnit.SECONDS));
                for (long id : seen) {
                    assertTrue(ids.add(id), "goroutine id " + id + " handed out twice");
                }
            }
            int objects = s.allgs().length;
            System.out.println("free lists: " + rounds * (perRound + 1) + " Gs ran on " + objects + " G objects");
            assertTrue(objects < 4 * (perRound + 1), "Gs are not reused: " + objects + " G objects");
            for (SchedSnapshot.PInfo p : s.snapshot().ps()) {
                assertTrue(p.gfreecnt() < P.GFREE_MAX, "P" + p.id() + " keeps " + p.gfreecnt() + " free Gs");
            }
            assertEquals(rounds * perRound, ids.size());
        } finally {
            stop(s);
        }
    }
}
