package io.quarkiverse.goroutines;

import static io.quarkiverse.goroutines.Env.MODES;
import static io.quarkiverse.goroutines.Env.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(60)
class WaitGroupTest {

    @ParameterizedTest
    @MethodSource(MODES)
    void awaitReturnsAfterEveryDone(Env.Mode mode) throws Exception {
        try (Env env = mode.start()) {
            WaitGroup wg = new WaitGroup();
            AtomicInteger finished = new AtomicInteger();
            int n = 50;
            Chan<String> gate = Chan.make();
            wg.add(n);
            for (int i = 0; i < n; i++) {
                env.go(() -> {
                    gate.receive();
                    finished.incrementAndGet();
                    wg.done();
                });
            }
            CountDownLatch waited = new CountDownLatch(2);
            for (int i = 0; i < 2; i++) {
                env.go(() -> {
                    wg.await();
                    assertEquals(n, finished.get(), "await returned before every done");
                    waited.countDown();
                });
            }
            assertFalse(waited.await(20, TimeUnit.MILLISECONDS), "await returned with the counter at " + wg.count());
            gate.close();
            await(waited);
            assertEquals(0, wg.count());
        }
    }

    @ParameterizedTest
    @MethodSource(MODES)
    void goCountsItsTasksAndTheGroupIsReusable(Env.Mode mode) throws Exception {
        try (Env env = mode.start()) {
            env.run(() -> {
                WaitGroup wg = new WaitGroup();
                for (int round = 1; round <= 3; round++) {
                    AtomicInteger ran = new AtomicInteger();
                    for (int i = 0; i < 10 * round; i++) {
                        wg.go(ran::incrementAndGet);
                    }
                    wg.await();
                    assertEquals(10 * round, ran.get());
                    assertEquals(0, wg.count());
                }
            });
        }
    }

    @Test
    void negativeCounterThrowsAndLeavesTheCounter() {
        WaitGroup wg = new WaitGroup();
        IllegalStateException e = assertThrows(IllegalStateException.class, wg::done);
        assertEquals("negative WaitGroup counter: 0 + -1 = -1", e.getMessage());
        wg.add(2);
        assertThrows(IllegalStateException.class, () -> wg.add(-3));
        assertEquals(2, wg.count());
        wg.add(-2);
        wg.await(); // zero: returns at once
        assertTrue(wg.toString().contains("count=0"));
    }
}
