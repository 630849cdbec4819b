package io.quarkiverse.goroutines.scheduler;

import java.util.ArrayDeque;

/**
 * Starts M threads on behalf of threads that must not (Go's {@code templateThread} and {@code newmHandoff}). A
 * thread that only submits work, such as a Vert.x event loop, never blocks in {@code Thread.start}: it reserves the M
 * and queues it here.
 */
final class TemplateThread {
    private final Scheduler sched;
    private final ArrayDeque<M> pending = new ArrayDeque<>();
    /** Guards {@link #pending}; see {@link SchedLock} for why it is not a monitor. */
    private final SchedLock lock = new SchedLock();
    private final Note note = new Note();
    private volatile Thread thread;

    TemplateThread(Scheduler sched) {
        this.sched = sched;
    }

    void start() {
        Thread t = new Thread(this::loop, sched.name() + "-template");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    Thread thread() {
        return thread;
    }

    void newm(M m) {
        lock.lock(); // may be called from a virtual G: see SchedLock
        try {
            pending.add(m);
        } finally {
            lock.unlock();
        }
        note.wakeup();
    }

    void wake() {
        note.wakeup();
    }

    private void loop() {
        while (true) {
            M m;
            lock.lock();
            try {
                m = pending.poll();
            } finally {
                lock.unlock();
            }
            if (m != null) {
                sched.ms.startThread(m);
                continue;
            }
            if (sched.lifecycle.terminatedOrStopping()) {
                return;
            }
            note.sleep(1_000_000_000L);
            note.clear();
        }
    }

    boolean join(long millis) throws InterruptedException {
        Thread t = thread;
        if (t == null) {
            return true;
        }
        t.join(millis);
        return !t.isAlive();
    }
}
