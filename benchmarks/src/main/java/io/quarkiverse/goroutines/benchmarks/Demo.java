package io.quarkiverse.goroutines.benchmarks;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import io.quarkiverse.goroutines.Go;
import io.quarkiverse.goroutines.scheduler.Scheduler;
import io.quarkiverse.goroutines.scheduler.SchedulerConfig;
import io.quarkiverse.goroutines.scheduler.ShutdownReport;

/**
 * A mixed workload on the bare scheduler: CPU-bound Gs, Gs that block without saying so ({@code Thread.sleep}) and Gs
 * that announce their blocking ({@code Go.syscall}), with {@code SCHED} trace lines printed every 200 ms.
 * <p>
 * Run: {@code bash .ci/demo core [procs [gs]]}. It lives here, not in the core library, so that no application ships
 * it.
 */
public final class Demo {
    private static final AtomicLong SINK = new AtomicLong();

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        int procs = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int gs = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        Scheduler s = Scheduler.start(SchedulerConfig.builder()
                .name("demo")
                .procs(procs)
                .schedtrace(Duration.ofMillis(200))
                .traceSink(System.out::println)
                .build());
        System.out.println("demo: " + s.mode().name().toLowerCase(java.util.Locale.ROOT) + " mode (" + s.modeReason()
                + "); " + gs + " goroutines on " + procs + " Ps: a third CPU work (200 µs), a third "
                + "Thread.sleep(20 ms), a third Go.syscall(sleep 20 ms)");
        CountDownLatch done = new CountDownLatch(gs);
        long start = System.nanoTime();
        for (int i = 0; i < gs; i++) {
            int kind = i % 3;
            s.execute(() -> {
                try {
                    if (kind == 0) {
                        spin(200_000);
                    } else if (kind == 1) {
                        Thread.sleep(20); // blocking nobody announced: sysmon detects it
                    } else {
                        Go.syscall(() -> Thread.sleep(20)); // announced: the P is released at once
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.println(s.schedtrace(false));
        var c = s.snapshot().counters();
        System.out.println("demo: " + gs + " goroutines in " + ms + " ms; handoffs=" + c.handoffs()
                + " blockedDetected=" + c.blockedDetected() + " syscallRetakes=" + c.syscallRetakes()
                + " maxDetectMicros=" + c.detectNanosMax() / 1000 + " threads=" + s.snapshot().threads());
        ShutdownReport r = s.shutdownGracefully(Duration.ofSeconds(5));
        System.out.println("demo: shutdown " + (r.clean() ? "clean" : "dropped " + r.dropped().size()));
    }

    /** About {@code nanos} of CPU work, as a fixed amount of arithmetic rather than a clock loop. */
    static void spin(long nanos) {
        long x = nanos;
        for (long i = 0; i < nanos / 2; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        SINK.addAndGet(x);
    }
}
