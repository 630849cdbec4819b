package io.quarkiverse.goroutines.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The G status word: every transition bumps the count, stale words lose, the scan bit blocks detaching. */
class GStatusTest {

    @Test
    void transitionsFollowGoStates() {
        G g = new G();
        assertEquals(GStatus.IDLE, g.status());
        g.setStatus(GStatus.RUNNABLE); // newproc
        assertTrue(g.casStatus(GStatus.RUNNABLE, GStatus.RUNNING)); // execute
        assertTrue(g.casStatus(GStatus.RUNNING, GStatus.SYSCALL)); // entersyscall
        assertTrue(g.casStatus(GStatus.SYSCALL, GStatus.RUNNING)); // exitsyscall, fast
        assertTrue(g.casStatus(GStatus.RUNNING, GStatus.SYSCALL));
        assertTrue(g.casStatus(GStatus.SYSCALL, GStatus.RUNNABLE)); // exitsyscall, no P: waits
        assertTrue(g.casStatus(GStatus.RUNNABLE, GStatus.RUNNING)); // P handed over
        assertTrue(g.casStatus(GStatus.RUNNING, GStatus.PREEMPTED)); // long-running hand-off
        assertTrue(g.casStatus(GStatus.PREEMPTED, GStatus.RUNNING)); // re-attached
        assertTrue(g.casStatus(GStatus.RUNNING, GStatus.WAITING)); // gopark (virtual mode)
        assertTrue(g.casStatus(GStatus.WAITING, GStatus.RUNNABLE)); // ready
        assertTrue(g.casStatus(GStatus.RUNNABLE, GStatus.RUNNING));
        assertTrue(g.casStatus(GStatus.RUNNING, GStatus.DEAD)); // goexit
        assertFalse(g.casStatus(GStatus.RUNNING, GStatus.DEAD), "a CAS from the wrong state must fail");
        assertEquals(GStatus.DEAD, g.status());
        assertEquals(6, GStatus.DEAD.goValue);
        assertEquals(9, GStatus.PREEMPTED.goValue);
    }

    @Test
    void aStaleWordLosesEvenWhenTheStateIsTheSameAgain() {
        G g = new G();
        g.setStatus(GStatus.RUNNING);
        long seen = g.word();
        // The G leaves RUNNING and comes back (a yield, or a new incarnation from the free list).
        assertTrue(g.casStatus(GStatus.RUNNING, GStatus.RUNNABLE));
        assertTrue(g.casStatus(GStatus.RUNNABLE, GStatus.RUNNING));
        assertEquals(GStatus.RUNNING, G.state(seen));
        assertFalse(g.cas(seen, GStatus.SYSCALL), "ABA: a detach based on an old observation must fail");
        assertTrue(g.cas(g.word(), GStatus.SYSCALL));
    }

    @Test
    void scanBitBlocksADetachUntilCleared() {
        G g = new G();
        g.setStatus(GStatus.RUNNING);
        long w = g.word();
        assertTrue(g.tryScan(w));
        assertTrue(G.scanning(g.word()));
        assertEquals(GStatus.RUNNING, g.status());
        assertFalse(g.cas(w, GStatus.SYSCALL), "detaching while the scan bit is set must fail");
        g.unscan();
        assertFalse(G.scanning(g.word()));
        assertTrue(g.cas(g.word(), GStatus.SYSCALL));
        assertFalse(g.tryScan(g.word()), "only a RUNNING G can be scanned");
    }
}
