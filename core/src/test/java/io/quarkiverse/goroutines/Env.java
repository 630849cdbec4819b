package io.quarkiverse.goroutines;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.quarkiverse.goroutines.scheduler.Scheduler;
import io.quarkiverse.goroutines.scheduler.SchedulerConfig;
import io.quarkiverse.goroutines.scheduler.SchedulerMode;
import io.quarkiverse.goroutines.scheduler.ShutdownReport;

/**
 * Where a channel test runs its goroutines: plain threads, or Gs of a scheduler. Tests take a {@link Mode} from
 * {@link #modes()}; another kind of scheduler is one more entry there. Failures inside goroutines are collected and
 * fail the test at {@link #close()}.
 */
abstract class Env implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(10);
    /** For {@code @MethodSource(MODES)}: every mode. */
    static final String MODES = "io.quarkiverse.goroutines.Env#modes";

    /** A named way to start an {@link Env}. */
    record Mode(String name, Supplier<Env> starter) {
        Env start() {
            return starter.get();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Mode> modes() {
        return Stream.of(
                new Mode("threads", Threads::new),
                new Mode("platform", () -> new Gs(SchedulerConfig.builder().name("chan-test").procs(2)
                        .mode(SchedulerMode.PLATFORM).build())),
                new Mode("virtual", () -> new Gs(SchedulerConfig.builder().name("chan-test").procs(2)
                        .mode(SchedulerMode.VIRTUAL).build())));
    }

    private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

    /** Starts {@code task} as a goroutine of this environment. */
    abstract void spawn(Runnable task);

    abstract void shutdown() throws InterruptedException;

    /** Starts {@code body} as a goroutine; a failure in it fails the test. */
    void go(ThrowingRunnable body) {
        spawn(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                failures.add(t);
            }
        });
    }

    /** Runs {@code body} as a goroutine and waits for it; a failure in it fails the test. */
    void run(ThrowingRunnable body) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        go(() -> {
            try {
                body.run();
            } finally {
                done.countDown();
            }
        });
        await(done);
        checkFailures();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            checkFailures();
        } finally {
            shutdown();
        }
    }

    private void checkFailures() {
        Throwable first = failures.peek();
        if (first != null) {
            throw new AssertionError(failures.size() + " goroutine(s) failed, first: " + first, first);
        }
    }

    static void await(CountDownLatch latch) throws InterruptedException {
        assertTrue(latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "timed out after " + WAIT);
    }

    /** Waits until another thread makes {@code cond} true (polling), failing after {@link #WAIT}. */
    static void awaitUntil(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(1);
        }
    }

    /** Plain platform threads. */
    static final class Threads extends Env {
        private final List<Thread> threads = new CopyOnWriteArrayList<>();

        @Override
        void spawn(Runnable task) {
            Thread t = new Thread(task, "chan-test-" + threads.size());
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }

        @Override
        void shutdown() throws InterruptedException {
            for (Thread t : threads) {
                t.join(WAIT.toMillis());
                if (t.isAlive()) {
                    t.interrupt();
                    throw new AssertionError(t.getName() + " did not finish");
                }
            }
        }

        @Override
        public String toString() {
            return "threads";
        }
    }

    /** Gs of a scheduler, shut down (and checked to be clean) at the end. */
    static final class Gs extends Env {
        final Scheduler scheduler;

        Gs(SchedulerConfig config) {
            this.scheduler = Scheduler.start(config);
        }

        @Override
        void spawn(Runnable task) {
            scheduler.execute(task);
        }

        @Override
        void shutdown() {
            ShutdownReport r = scheduler.shutdownGracefully(WAIT);
            assertTrue(r.clean(), "shutdown left goroutines behind: " + r);
        }

        @Override
        public String toString() {
            return scheduler.name();
        }
    }
}
