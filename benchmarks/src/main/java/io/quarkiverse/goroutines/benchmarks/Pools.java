package io.quarkiverse.goroutines.benchmarks;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.threads.EnhancedQueueExecutor;
import org.jboss.threads.JBossExecutors;

import io.quarkiverse.goroutines.scheduler.SchedSnapshot;
import io.quarkiverse.goroutines.scheduler.Scheduler;
import io.quarkiverse.goroutines.scheduler.SchedulerConfig;
import io.quarkiverse.goroutines.scheduler.SchedulerMode;

/**
 * The executors compared by every benchmark, made from the {@code executor} parameter.
 * <ul>
 * <li>{@code gmp} — the G/M/P {@link Scheduler} in platform mode, {@code procs} = available processors, otherwise
 * default settings.</li>
 * <li>{@code gmp-virtual} — the same in virtual mode: every G a virtual thread scheduled by it (needs
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED}; fails rather than fall back to platform mode).</li>
 * <li>{@code stock} — what stock Quarkus 3.33 uses for blocking work, built as
 * {@code io.quarkus.runtime.ExecutorRecorder.createExecutor} builds it from the default {@code quarkus.thread-pool.*}
 * settings: a jboss-threads {@link EnhancedQueueExecutor} with core 1 (prefilled), max {@code max(8 × CPUs, 200)}
 * threads, an unbounded queue ({@code setQueueLimited(false)}), growth resistance 0, a 30 s keep-alive, no MBean and
 * a rejecting hand-off executor.</li>
 * <li>{@code tpe} — the JDK's {@link ThreadPoolExecutor} sized like the stock pool: {@code max(8 × CPUs, 200)} core
 * threads (a {@code ThreadPoolExecutor} with an unbounded queue never grows past its core size), an unbounded
 * {@link LinkedBlockingQueue}, idle threads retired after 30 s.</li>
 * <li>{@code virtual} — {@link Executors#newVirtualThreadPerTaskExecutor()}.</li>
 * <li>{@code fjp} — {@code new ForkJoinPool(CPUs)}. (The common pool would have only CPUs − 1 = 1 worker on a
 * 2-CPU machine, so a pool of its own is the fairer comparison.)</li>
 * </ul>
 */
final class Pools {
    static final int CPUS = Runtime.getRuntime().availableProcessors();
    /** Quarkus's default {@code quarkus.thread-pool.max-threads}. */
    static final int STOCK_MAX_THREADS = Math.max(8 * CPUS, 200);

    private Pools() {
    }

    static ExecutorService create(String executor) {
        return switch (executor) {
            case "gmp" -> gmp(SchedulerMode.PLATFORM);
            case "gmp-virtual" -> gmp(SchedulerMode.VIRTUAL);
            case "stock" -> {
                EnhancedQueueExecutor e = new EnhancedQueueExecutor.Builder()
                        .setRegisterMBean(false)
                        .setHandoffExecutor(JBossExecutors.rejectingExecutor())
                        .setThreadFactory(daemonThreads("stock-worker-"))
                        .setCorePoolSize(1)
                        .setMaximumPoolSize(STOCK_MAX_THREADS)
                        .setQueueLimited(false)
                        .setGrowthResistance(0f)
                        .setKeepAliveTime(Duration.ofSeconds(30))
                        .build();
                e.prestartAllCoreThreads(); // quarkus.thread-pool.prefill=true
                yield e;
            }
            case "tpe" -> {
                ThreadPoolExecutor e = new ThreadPoolExecutor(STOCK_MAX_THREADS, STOCK_MAX_THREADS, 30, TimeUnit.SECONDS,
                        new LinkedBlockingQueue<>(), daemonThreads("tpe-worker-"));
                e.allowCoreThreadTimeOut(true);
                yield e;
            }
            case "virtual" -> Executors.newVirtualThreadPerTaskExecutor();
            case "fjp" -> new ForkJoinPool(CPUS);
            default -> throw new IllegalArgumentException("unknown executor " + executor);
        };
    }

    private static Scheduler gmp(SchedulerMode mode) {
        Scheduler s = Scheduler.start(SchedulerConfig.builder()
                .name("bench")
                .procs(CPUS)
                .mode(mode)
                // Large enough that a batch of TinyTasks is never rejected while the submitter outruns the Ps.
                .maxRunnable(1_000_000)
                .build());
        if (s.mode() != mode) {
            s.shutdownNow();
            throw new IllegalStateException("the scheduler runs in " + s.mode() + " mode, not " + mode + ": "
                    + s.modeReason());
        }
        return s;
    }

    /** Stops {@code pool}; for the scheduler also prints its counters, which explain much of its score. */
    static void close(ExecutorService pool) throws InterruptedException {
        if (pool instanceof Scheduler s) {
            SchedSnapshot snap = s.snapshot();
            SchedSnapshot.Counters c = snap.counters();
            System.out.printf("%n[gmp] threads=%d completed=%d handoffs=%d syscallRetakes=%d blockedDetected=%d "
                    + "nativeDetected=%d nativeFalse=%d longRunningReported=%d exitsyscallWaits=%d steals=%d detectNanosAvg=%d%n",
                    snap.threads(), c.completed(), c.handoffs(), c.syscallRetakes(), c.blockedDetected(),
                    c.nativeDetected(), c.nativeFalse(), c.longRunningReported(), c.exitsyscallWaits(), c.steals(),
                    c.detectNanosAvg());
            s.shutdownGracefully(Duration.ofSeconds(10));
            return;
        }
        pool.shutdown();
        if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
            pool.shutdownNow();
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
