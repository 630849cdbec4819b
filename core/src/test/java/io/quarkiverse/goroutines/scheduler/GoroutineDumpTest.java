package io.quarkiverse.goroutines.scheduler;

import static io.quarkiverse.goroutines.scheduler.Schedulers.config;
import static io.quarkiverse.goroutines.scheduler.Schedulers.stop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** A dump lists live Gs with state, label and the stack of the thread each one is on; labels end with their task. */
class GoroutineDumpTest {

    @Test
    void listsRunningAndQueuedGsWithLabelsAndStacks() throws Exception {
        Schedulers.platformOnly("a blocked G keeps its P while the queued Gs wait");
        Scheduler s = Scheduler.start(config(1).blockingDetection(false).build());
        try {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            s.execute(GoroutineLabel.wrap("GET /orders/7", Schedulers.blockUntil(started, release)));
            assertTrue(started.await(5, TimeUnit.SECONDS));
            Thread blocked = s.allp()[0].m.thread; // the G's stack must show the wait: let it get there first
            Schedulers.await("the G to wait", java.time.Duration.ofSeconds(5),
                    () -> blocked.getState() == Thread.State.WAITING);
            CountDownLatch ran = new CountDownLatch(3);
            for (int i = 0; i < 3; i++) {
                s.execute(ran::countDown);
            }
            long spawned = s.snapshot().counters().spawned();
            assertEquals(4, spawned, "one G per execute");

            List<GoroutineDump.Goroutine> all = GoroutineDump.list(s, null, 100, true);
            assertEquals(4, all.size(), all.toString());
            GoroutineDump.Goroutine running = all.get(0);
            assertEquals(GStatus.RUNNING, running.state());
            assertEquals("GET /orders/7", running.label());
            assertTrue(running.stack().stream().anyMatch(f -> f.getMethodName().equals("await")),
                    "the running G's stack shows where it waits: " + running.stack());
            assertTrue(running.m() >= 0);
            for (GoroutineDump.Goroutine queued : all.subList(1, 4)) {
                assertEquals(GStatus.RUNNABLE, queued.state());
                assertTrue(queued.stack().isEmpty(), "a G that has not started has no stack");
                assertNull(queued.label());
            }
            assertEquals(3, GoroutineDump.list(s, GStatus.RUNNABLE, 100, false).size());
            assertEquals(2, GoroutineDump.list(s, null, 2, false).size(), "the limit caps the list");
            assertEquals(running.label(), GoroutineDump.find(s, running.id()).orElseThrow().label());
            assertFalse(GoroutineDump.find(s, 12345).isPresent());

            String text = GoroutineDump.text(all);
            assertTrue(text.startsWith("goroutine " + running.id() + " [running, "), text);
            assertTrue(text.contains("]: GET /orders/7\n"), text);
            assertTrue(text.contains("    java.base/java.util.concurrent.CountDownLatch.await("), text);

            release.countDown();
            assertTrue(ran.await(5, TimeUnit.SECONDS));
            Schedulers.await("all Gs dead", java.time.Duration.ofSeconds(5), () -> s.numGoroutine() == 0);
            for (G g : s.allgs()) {
                assertNull(g.label(), "a finished G keeps no label");
            }
        } finally {
            stop(s);
        }
    }

    @Test
    void aCappedListOfTenThousandGsStopsAtTheCap() throws Exception {
        Scheduler s = Scheduler.start(config(1).blockingDetection(false).maxRunnable(100_000).build());
        try {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            s.execute(Schedulers.holdP(started, release));
            assertTrue(started.await(5, TimeUnit.SECONDS));
            int queued = 10_000;
            CountDownLatch ran = new CountDownLatch(queued);
            for (int i = 0; i < queued; i++) {
                s.execute(ran::countDown);
            }
            List<GoroutineDump.Goroutine> first = GoroutineDump.list(s, GStatus.RUNNABLE, 500, false);
            assertEquals(500, first.size());
            assertTrue(first.stream().allMatch(g -> g.state() == GStatus.RUNNABLE));
            assertEquals(queued, (int) s.snapshot().goroutinesByState().get(GStatus.RUNNABLE));
            release.countDown();
            assertTrue(ran.await(30, TimeUnit.SECONDS));
        } finally {
            stop(s);
        }
    }

    @Test
    void statesAreNamedInAnyCase() {
        assertEquals(GStatus.SYSCALL, GoroutineDump.parseState("syscall"));
        assertNull(GoroutineDump.parseState(" "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GoroutineDump.parseState("sleeping"));
        assertTrue(e.getMessage().startsWith("state=sleeping is not a G state: allowed [idle, runnable, "),
                e.getMessage());
    }

    @Test
    void labelOutsideAGIsIgnored() {
        String[] seen = new String[1];
        GoroutineLabel.wrap("x", () -> seen[0] = String.valueOf(GoroutineLabel.current())).run();
        assertEquals("null", seen[0]);
    }
}
