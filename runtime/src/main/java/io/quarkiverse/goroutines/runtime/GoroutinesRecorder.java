package io.quarkiverse.goroutines.runtime;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;
import org.jboss.threads.ContextHandler;

import io.quarkiverse.goroutines.Go;
import io.quarkiverse.goroutines.scheduler.Scheduler;
import io.quarkiverse.goroutines.scheduler.SchedulerConfig;
import io.quarkiverse.goroutines.scheduler.SchedulerMode;
import io.quarkiverse.goroutines.scheduler.ShutdownReport;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.RuntimeValue;
import io.quarkus.runtime.ShutdownContext;
import io.quarkus.runtime.annotations.Recorder;
import io.quarkus.runtime.shutdown.ShutdownListener;
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
     *
     * @return the listener that tells the drain when Quarkus began to shut down (register it with Quarkus)
     */
    public ShutdownListener start(ShutdownContext shutdown, LaunchMode launchMode, ThreadFactory threadFactory,
            ContextHandler<Object> contextHandler) {
        GoroutinesConfig c = config.getValue();
        ShutdownBudget budget = new ShutdownBudget(
                ConfigProvider.getConfig().getOptionalValue("quarkus.shutdown.timeout", Duration.class));
        if (!c.enabled()) {
            LOG.info(
                    "Goroutines: mode=stock (quarkus.goroutines.enabled=false), blocking work runs on the Quarkus worker pool");
            return budget;
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
        LOG.infof("Goroutines: mode=%s (%s), procs=%d, max-threads=%d, max-runnable=%d, blocking-detection=%s, "
                + "long-running=%s%s, report.after=%s, admission=%s, schedtrace=%s, request.timeout=%s",
                scheduler.mode().name().toLowerCase(java.util.Locale.ROOT), scheduler.modeReason(), sc.procs(), sc.maxThreads(),
                sc.maxRunnable(),
                sc.blockingDetection() ? human(sc.blockingThreshold()) : "off",
                human(sc.longRunningThreshold()), sc.longRunningHandoff() ? " (handoff)" : "",
                sc.reportAfter().isZero() ? "off" : human(sc.reportAfter()),
                sc.admission() ? human(sc.admissionTarget()) + "/" + human(sc.admissionInterval()) : "off",
                sc.schedtrace() == null ? "off" : human(sc.schedtrace()),
                requests.timeout() == null ? "off" : human(requests.timeout()));
        if (c.mode() == SchedulerMode.AUTO && scheduler.mode() == SchedulerMode.PLATFORM) {
            LOG.warn(fallbackWarning(scheduler.modeReason()));
        }

        // Runs before Vert.x is closed (tasks run in reverse order): queued and running Gs can still answer.
        shutdown.addShutdownTask(() -> {
            Goroutines.uninstall(go);
            if (launchMode == LaunchMode.DEVELOPMENT) {
                // A dev-mode live reload is started by a request, that is by one of our Gs, which waits for the
                // restart: draining here would wait for it. Drain on another thread; the restarted app installs its
                // own default scheduler.
                Thread drain = new Thread(() -> drain(scheduler, sc, budget), "goroutines-drain");
                drain.setDaemon(true);
                drain.start();
                return;
            }
            drain(scheduler, sc, budget);
            Go.setDefaultScheduler(previousDefault);
        });
        return budget;
    }

    /**
     * The one warning for {@code mode=auto} running platform mode: why, what it costs, and the two ways out. Logged
     * at each start (once per application start), never per G.
     */
    static String fallbackWarning(String reason) {
        String fix = Runtime.version().feature() < 21 ? "run on Java 21 or later"
                : "start the JVM with --add-opens java.base/java.lang=ALL-UNNAMED (the runnable jar's manifest and "
                        + "Quarkus's dev and test launchers add it; a launcher of your own must too)";
        return "Goroutines: quarkus.goroutines.mode=auto fell back to platform mode: " + reason
                + ". Each blocked G holds an OS thread in this mode. For virtual mode, " + fix
                + "; to choose platform mode and silence this warning, set quarkus.goroutines.mode=platform";
    }

    /**
     * Stops accepting Gs, lets queued and running ones finish within {@code quarkus.goroutines.shutdown.timeout} or
     * what is left of {@code quarkus.shutdown.timeout}, whichever is shorter, and says how it went in one line.
     */
    private static void drain(Scheduler scheduler, SchedulerConfig sc, ShutdownBudget budget) {
        Duration timeout = budget.drainTimeout(sc.shutdownTimeout(), System.nanoTime());
        ShutdownReport report = scheduler.shutdownGracefully(timeout);
        if (report.clean()) {
            LOG.infof("Goroutines: stopped, %d Gs drained", report.completed());
        } else {
            LOG.warn(cutShort(report, timeout, sc.shutdownTimeout(), budget.quarkusTimeout()));
        }
    }

    /** The one line that says what shutdown cut short, and which budget did it. */
    static String cutShort(ShutdownReport report, Duration waited, Duration own, Optional<Duration> quarkus) {
        String why = waited.equals(own) ? "quarkus.goroutines.shutdown.timeout=" + human(own)
                : "quarkus.shutdown.timeout=" + human(quarkus.orElseThrow()) + " (" + human(waited)
                        + " of it left for the drain)";
        return String.format("Goroutines: stopped after %s with work cut short: %d Gs drained, %d queued Gs dropped "
                + "before they started, %d Gs still running", why, report.completed(), report.dropped().size(),
                report.stillRunning());
    }

    /** {@code 20us}, {@code 10ms}, {@code 3s}: durations as the docs write them. */
    static String human(Duration d) {
        return SchedulerConfig.format(d);
    }

    /** Mutiny's default executor ({@code emitOn}, {@code runSubscriptionOn} without an executor) runs Gs. */
    public void useForMutiny() {
        if (Goroutines.executor() != null) {
            // false: the previous executor wraps the stock pool, which must not be shut down
            Infrastructure.setDefaultExecutor(SwitchingExecutor.overStockPool(), false);
        }
    }
}
