package io.quarkiverse.goroutines.runtime;

import java.time.Duration;
import java.util.concurrent.ThreadFactory;

import org.jboss.logging.Logger;
import org.jboss.threads.ContextHandler;

import io.quarkiverse.goroutines.Go;
import io.quarkiverse.goroutines.scheduler.Scheduler;
import io.quarkiverse.goroutines.scheduler.SchedulerConfig;
import io.quarkiverse.goroutines.scheduler.ShutdownReport;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.RuntimeValue;
import io.quarkus.runtime.ShutdownContext;
import io.quarkus.runtime.annotations.Recorder;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/** Starts the scheduler at runtime-init and stops it, drained, when Quarkus shuts down. */
@Recorder
public class GoroutinesRecorder {

    private static final Logger LOG = Logger.getLogger("io.quarkiverse.goroutines");

    private final RuntimeValue<GoroutinesConfig> config;

    public GoroutinesRecorder(RuntimeValue<GoroutinesConfig> config) {
        this.config = config;
    }

    /**
     * Starts the scheduler with Quarkus's thread factory (so Ms are Vert.x worker threads) and context handler, and
     * makes it the default of {@code Go.go}. Runs on the main thread, never on an event loop.
     */
    public void start(ShutdownContext shutdown, LaunchMode launchMode, ThreadFactory threadFactory,
            ContextHandler<Object> contextHandler) {
        GoroutinesConfig c = config.getValue();
        if (!c.enabled()) {
            LOG.info(
                    "Goroutines: mode=stock (quarkus.goroutines.enabled=false), blocking work runs on the Quarkus worker pool");
            return;
        }
        SchedulerConfig sc = SchedulerSettings.from(c, threadFactory);
        Goroutines.RequestSettings requests = new Goroutines.RequestSettings(
                c.request().timeout().map(d -> Goroutines.RequestSettings.check(
                        SchedulerSettings.PREFIX + "request.timeout", d)).orElse(null),
                c.request().cancelOnDisconnect());
        Scheduler scheduler = Scheduler.start(sc);
        Scheduler previousDefault = Go.setDefaultScheduler(scheduler);
        GoExecutor go = new GoExecutor(scheduler, contextHandler);
        Goroutines.install(go, requests);
        StuckGoroutineReporter stuck = new StuckGoroutineReporter(scheduler);
        stuck.start();
        LOG.infof("Goroutines: mode=%s (%s), procs=%d, max-threads=%d, max-runnable=%d, blocking-detection=%s, "
                + "long-running=%s%s, schedtrace=%s, request.timeout=%s",
                scheduler.mode().name().toLowerCase(java.util.Locale.ROOT), scheduler.modeReason(), sc.procs(), sc.maxThreads(),
                sc.maxRunnable(),
                sc.blockingDetection() ? human(sc.blockingThreshold()) : "off",
                human(sc.longRunningThreshold()), sc.longRunningHandoff() ? " (handoff)" : "",
                sc.schedtrace() == null ? "off" : human(sc.schedtrace()),
                requests.timeout() == null ? "off" : human(requests.timeout()));

        // Runs before Vert.x is closed (tasks run in reverse order): queued and running Gs can still answer.
        shutdown.addShutdownTask(() -> {
            Goroutines.uninstall(go);
            stuck.stop();
            if (launchMode == LaunchMode.DEVELOPMENT) {
                // A dev-mode live reload is started by a request, that is by one of our Gs, which waits for the
                // restart: draining here would wait for it. Drain on another thread; the restarted app installs its
                // own default scheduler.
                Thread drain = new Thread(() -> drain(scheduler, sc), "goroutines-drain");
                drain.setDaemon(true);
                drain.start();
                return;
            }
            drain(scheduler, sc);
            Go.setDefaultScheduler(previousDefault);
        });
    }

    /** Stops accepting Gs, lets queued and running ones finish within the timeout, and says how it went. */
    private static void drain(Scheduler scheduler, SchedulerConfig sc) {
        ShutdownReport report = scheduler.shutdownGracefully(sc.shutdownTimeout());
        if (report.clean()) {
            LOG.infof("Goroutines: stopped, %d Gs drained", report.completed());
        } else {
            LOG.warnf("Goroutines: stopped after quarkus.goroutines.shutdown.timeout=%s, %d Gs drained, "
                    + "%d queued Gs dropped, %d Gs still running", human(sc.shutdownTimeout()), report.completed(),
                    report.dropped().size(), report.stillRunning());
        }
    }

    /** {@code 20us}, {@code 10ms}, {@code 3s}: the units users write in application.properties. */
    static String human(Duration d) {
        long nanos = d.toNanos();
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        return nanos / 1_000L + "us";
    }

    /** Mutiny's default executor ({@code emitOn}, {@code runSubscriptionOn} without an executor) runs Gs. */
    public void useForMutiny() {
        if (Goroutines.executor() != null) {
            // false: the previous executor wraps the stock pool, which must not be shut down
            Infrastructure.setDefaultExecutor(SwitchingExecutor.overStockPool(), false);
        }
    }
}
