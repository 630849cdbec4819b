package io.quarkiverse.goroutines;

import static io.quarkiverse.goroutines.Env.MODES;
import static io.quarkiverse.goroutines.Env.await;
import static io.quarkiverse.goroutines.Env.awaitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Channel behaviour, from plain threads and from goroutines of every {@link Env#modes() mode}. */
@Timeout(60)
class ChanTest {

    @ParameterizedTest
    @MethodSource(MODES)
    void pingPong(Env.Mode mode) throws Exception {
        try (Env env = mode.start()) {
            Chan<Integer> ping = Chan.make();
            Chan<Integer> pong = Chan.make();
            int rounds = 2_000;
            env.go(() -> {
                for (Integer v : ping) {
                    pong.send(v + 1);
                }
                pong.close();
            });
            env.run(() -> {
                int v = 0;
                for (int i = 0; i < rounds; i++) {
                    ping.send(v);
                    v = pong.receive();
                }
                ping.close();
                assertEquals(rounds, v);
                assertNull(pong.receive(), "pong is closed after ping closed");
            });
        }
    }

    @ParameterizedTest
    @MethodSource(MODES)
    void bufferedChannelIsFifoAcrossBlockedSends(Env.Mode mode) throws Exception {
        try (Env env = mode.start()) {
            Chan<Integer> ch = Chan.make(4);
            int n = 20_000;
            env.go(() -> {
                for (int i = 0; i < n; i++) {
                    ch.send(i); // blocks whenever the buffer is full
                }
                ch.close();
            });
            env.run(() -> {
                int expected = 0;
                for (int v : ch) {
                    assertEquals(expected++, v);
                }
                assertEquals(n, expected);
            });
        }
    }

    /** Go's chanrecv on a full buffer with a waiting sender: take the head, move the sender's value to the tail. */
    @ParameterizedTest
    @MethodSource(MODES)
    void blockedSendersValueGoesToTheTailOfTheBuffer(Env.Mode mode) throws Exception {
        try (Env env = mode.start()) {
            Chan<Integer> ch = Chan.make(2);
            ch.send(1);
            ch.send(2);
            assertEquals(2, ch.len());
            assertFalse(ch.trySend(99), "full");
            env.go(() -> ch.send(3));
            awaitUntil("the third send blocks", () -> ch.blockedSenders() == 1);
            env.go(() -> ch.send(4));
            awaitUntil("the fourth send blocks", () -> ch.blockedSenders() == 2);
            assertEquals(1, ch.receive());
            assertEquals(2, ch.len(), "the first blocked sender's value moved into the buffer");
            assertEquals(1, ch.blockedSenders());
            assertEquals(2, ch.receive());
            assertEquals(3, ch.receive());
            assertEquals(4, ch.receive());
            assertEquals(0, ch.len());
            assertEquals(2, ch.cap());
        }
    }

    @ParameterizedTest
    @MethodSource(MODES)
    void unbufferedSendCompletesOnlyWhenReceived(Env.Mode mode) throws Exception {
        try (Env env = mode.start()) {
            Chan<String> ch = Chan.make();
            AtomicBoolean sent = new AtomicBoolean();
            CountDownLatch done = new CountDownLatch(1);
            env.go(() -> {
                ch.send("x");
                sent.set(true);
                done.countDown();
            });
            awaitUntil("the send blocks", () -> ch.blockedSenders() == 1);
            assertFalse(sent.get(), "a send without a receiver has not completed");
            assertEquals(0, ch.len());
            assertEquals("x", ch.receive());
            await(done);
            assertTrue(sent.get());
        }
    }

    @ParameterizedTest
    @MethodSource(MODES)
    void closeWakesEveryBlockedReceiver(Env.Mode mode) throws Exception {
        try (Env env = mode.start()) {
            Chan<String> ch = Chan.make();
            int receivers = 5;
            CountDownLatch woken = new CountDownLatch(receivers);
            for (int i = 0; i < receivers; i++) {
                env.go(() -> {
                    Chan.Received<String> r = ch.receiveOk();
                    assertFalse(r.ok());
                    assertNull(r.value());
                    woken.countDown();
                });
            }
            awaitUntil("every receiver blocks", () -> ch.blockedReceivers() == receivers);
            ch.close();
            await(woken);
            assertEquals(0, ch.blockedReceivers());
        }
    }

    @ParameterizedTest
    @MethodSource(MODES)
    void sendOnClosedAndCloseOfClosedThrow(Env.Mode mode) throws Exception {
        try (Env env = mode.start()) {
            env.run(() -> {
                Chan<String> ch = Chan.make(1);
                ch.close();
                ChanClosedException e = assertThrows(ChanClosedException.class, () -> ch.send("x"));
                assertEquals("send on closed channel", e.getMessage());
                assertThrows(ChanClosedException.class, () -> ch.trySend("x"));
                e = assertThrows(ChanClosedException.class, ch::close);
                assertEquals("close of closed channel", e.getMessage());
            });
        }
    }

    @ParameterizedTest
    @MethodSource(MODES)
    void senderBlockedWhenTheChannelClosesThrows(Env.Mode mode) throws Exception {
        try (Env env = mode.start()) {
            Chan<String> unbuffered = Chan.make();
            Chan<String> full = Chan.make(1);
            full.send("kept");
            AtomicReference<Throwable> first = new AtomicReference<>();
            AtomicReference<Throwable> second = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(2);
            env.go(() -> {
                first.set(assertThrows(ChanClosedException.class, () -> unbuffered.send("lost")));
                done.countDown();
            });
            env.go(() -> {
                second.set(assertThrows(ChanClosedException.class, () -> full.send("lost")));
                done.countDown();
            });
            awaitUntil("both sends block", () -> unbuffered.blockedSenders() == 1 && full.blockedSenders() == 1);
            unbuffered.close();
            full.close();
            await(done);
            assertTrue(first.get().getMessage().contains("closed while the send waited"), first.get().getMessage());
            assertNull(unbuffered.receive());
            assertEquals("kept", full.receive(), "buffered values survive close");
            assertNull(full.receive());
        }
    }

    @ParameterizedTest
    @MethodSource(MODES)
    void receiveOkDrainsTheBufferThenReportsClosed(Env.Mode mode) throws Exception {
        try (Env env = mode.start()) {
            env.run(() -> {
                Chan<String> ch = Chan.make(3);
                ch.send("a");
                ch.send("b");
                ch.close();
                assertEquals(new Chan.Received<>("a", true), ch.receiveOk());
                assertEquals(new Chan.Received<>("b", true), ch.receiveOk());
                assertEquals(new Chan.Received<>(null, false), ch.receiveOk());
                assertEquals(new Chan.Received<>(null, false), ch.receiveOk(), "stays closed");
                assertNull(ch.receive());
                assertNull(ch.tryReceive());
            });
        }
    }

    @ParameterizedTest
    @MethodSource(MODES)
    void rangeEndsWhenClosedAndDrained(Env.Mode mode) throws Exception {
        try (Env env = mode.start()) {
            Chan<Integer> ch = Chan.make(2);
            env.go(() -> {
                for (int i = 0; i < 10; i++) {
                    ch.send(i);
                }
                ch.close();
            });
            List<Integer> got = new ArrayList<>();
            env.run(() -> ch.forEach(got::add));
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), got);
        }
    }

    @ParameterizedTest
    @MethodSource(MODES)
    void trySendAndTryReceiveNeverBlock(Env.Mode mode) throws Exception {
        try (Env env = mode.start()) {
            Chan<String> unbuffered = Chan.make();
            assertFalse(unbuffered.trySend("x"), "no receiver waits");
            assertNull(unbuffered.tryReceive(), "no sender waits");
            AtomicReference<String> got = new AtomicReference<>();
            CountDownLatch received = new CountDownLatch(1);
            env.go(() -> {
                got.set(unbuffered.receive());
                received.countDown();
            });
            awaitUntil("the receiver blocks", () -> unbuffered.blockedReceivers() == 1);
            assertTrue(unbuffered.trySend("handed"), "a waiting receiver takes it");
            await(received);
            assertEquals("handed", got.get());

            env.go(() -> unbuffered.send("from sender"));
            awaitUntil("the sender blocks", () -> unbuffered.blockedSenders() == 1);
            assertEquals("from sender", unbuffered.tryReceive());

            Chan<String> buffered = Chan.make(1);
            assertTrue(buffered.trySend("a"));
            assertFalse(buffered.trySend("b"), "full");
            assertEquals("a", buffered.tryReceive());
            assertNull(buffered.tryReceive(), "empty");
        }
    }

    @ParameterizedTest
    @MethodSource(MODES)
    void interruptedReceiveWithdrawsAndLosesNothing(Env.Mode mode) throws Exception {
        try (Env env = mode.start()) {
            Chan<String> ch = Chan.make();
            AtomicReference<Thread> receiver = new AtomicReference<>();
            CountDownLatch gaveUp = new CountDownLatch(1);
            env.go(() -> {
                receiver.set(Thread.currentThread());
                CancellationException e = assertThrows(CancellationException.class, ch::receive);
                assertTrue(Thread.interrupted(), "the interrupt status is set again");
                assertTrue(e.getMessage().contains("Chan.receive"), e.getMessage());
                gaveUp.countDown();
            });
            awaitUntil("the receiver blocks", () -> ch.blockedReceivers() == 1);
            receiver.get().interrupt();
            await(gaveUp);
            assertEquals(0, ch.blockedReceivers());
            assertFalse(ch.trySend("x"), "the interrupted receiver is gone and took nothing");
        }
    }

    @Test
    void badInputIsRejectedClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Chan.make(-1));
        assertEquals("channel capacity -1 is out of range: allowed 0..2147483647", e.getMessage());
        Chan<String> ch = Chan.make(1);
        NullPointerException npe = assertThrows(NullPointerException.class, () -> ch.send(null));
        assertTrue(npe.getMessage().contains("cannot carry null"), npe.getMessage());
        assertThrows(NullPointerException.class, () -> ch.trySend(null));
        assertEquals(0, ch.len());
        assertEquals(0, Chan.make().cap());
    }
}
