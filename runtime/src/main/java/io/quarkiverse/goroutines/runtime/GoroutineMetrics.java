package io.quarkiverse.goroutines.runtime;

import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

import io.quarkiverse.goroutines.Group;
import io.quarkiverse.goroutines.scheduler.GStatus;
import io.quarkiverse.goroutines.scheduler.SchedSnapshot;
import io.quarkiverse.goroutines.scheduler.Scheduler;
import io.quarkus.runtime.metrics.MetricsFactory;

/**
 * Registers the scheduler's gauges and counters with the app's metrics system (Micrometer), named after Micrometer's
 * conventions (lower-case, dot-separated; Prometheus shows {@code goroutines.steals} as {@code goroutines_steals_total}).
 *
 * <table>
 * <caption>Meters</caption>
 * <tr>
 * <th>name</th>
 * <th>tags</th>
 * <th>Go</th>
 * </tr>
 * <tr>
 * <td>{@code goroutines}</td>
 * <td>{@code state}</td>
 * <td>{@code runtime.NumGoroutine}, by {@code _G} state</td>
 * </tr>
 * <tr>
 * <td>{@code goroutines.procs}</td>
 * <td></td>
 * <td>{@code GOMAXPROCS}</td>
 * </tr>
 * <tr>
 * <td>{@code goroutines.runqueue}</td>
 * <td>{@code p}</td>
 * <td>{@code len(p.runq)}</td>
 * </tr>
 * <tr>
 * <td>{@code goroutines.global.runqueue}</td>
 * <td></td>
 * <td>{@code sched.runqsize}</td>
 * </tr>
 * <tr>
 * <td>{@code goroutines.threads}</td>
 * <td>{@code state}</td>
 * <td>Ms by what they do</td>
 * </tr>
 * <tr>
 * <td>counter {@code goroutines.cancellations}</td>
 * <td>{@code cause}</td>
 * <td>groups cancelled ({@code errgroup}'s context cancelled), by cause; a parent's cancellation counts once</td>
 * </tr>
 * <tr>
 * <td>counters {@code goroutines.spawned}, {@code .completed}, {@code .steals}, {@code .handoffs},
 * {@code .retakes}, {@code .rejected}, {@code .preemptions}, {@code .shed}</td>
 * <td></td>
 * <td>Gs made and finished, work stolen, Ps handed off,
 * Ps retaken from syscalls, Gs refused (all causes), Gs preempted, requests refused while shedding</td>
 * </tr>
 * <tr>
 * <td>counter {@code goroutines.detections}</td>
 * <td>{@code cause}</td>
 * <td>unannounced blocking found by sysmon: {@code blocked} (the JVM's thread state), {@code native} (a thread the
 * JVM calls RUNNABLE that the kernel has asleep, or whose CPU time stalled)</td>
 * </tr>
 * <tr>
 * <td>counter {@code goroutines.detections.false}</td>
 * <td></td>
 * <td>native detections found needless on sysmon's next look: the thread ran again while its G was still detached
 * (a JVM safepoint or lock), or the G had moved on (a call shorter than a pass)</td>
 * </tr>
 * <tr>
 * <td>{@code goroutines.shedding}</td>
 * <td></td>
 * <td>1 while new requests are refused for queueing delay, else 0 (Go never refuses)</td>
 * </tr>
 * </table>
 * <p>
 * Implementation notes: every meter reads one {@link SchedSnapshot} shared for {@link #MAX_AGE_NANOS}, so a scrape of
 * all meters costs one snapshot, not one per meter. Meters read whatever scheduler runs at that moment and report 0
 * when none does. Per-P gauges exist for the Ps at start; a P beyond them after a resize has none, and a P removed by
 * a resize reports 0.
 */
public final class GoroutineMetrics implements Consumer<MetricsFactory> {

    /** How long one snapshot serves meter reads: one scrape. */
    static final long MAX_AGE_NANOS = 100_000_000L;

    private final int procs;
    private volatile Taken last;

    /** @param procs the number of Ps that get a run-queue gauge */
    public GoroutineMetrics(int procs) {
        this.procs = procs;
    }

    private record Taken(long nanos, SchedSnapshot snapshot) {
    }

    @Override
    public void accept(MetricsFactory metrics) {
        gauge(metrics, "goroutines.procs", "Number of Ps (GOMAXPROCS)", SchedSnapshot::procs);
        gauge(metrics, "goroutines.global.runqueue", "Gs in the global run queue", SchedSnapshot::globalRunqueue);
        for (int i = 0; i < procs; i++) {
            int p = i;
            metrics.builder("goroutines.runqueue").description("Gs in a P's local run queue")
                    .tag("p", String.valueOf(p))
                    .buildGauge(() -> read(s -> p < s.ps().size() ? s.ps().get(p).runqsize() : 0));
        }
        for (GStatus st : GStatus.values()) {
            if (st == GStatus.DEAD || st == GStatus.IDLE) {
                continue;
            }
            metrics.builder("goroutines").description("Live Gs by state").tag("state", st.name().toLowerCase(Locale.ROOT))
                    .buildGauge(() -> read(s -> s.goroutinesByState().getOrDefault(st, 0)));
        }
        for (String st : SchedSnapshot.MInfo.STATES) {
            metrics.builder("goroutines.threads").description("Ms (threads) by what they do").tag("state", st)
                    .buildGauge(() -> read(s -> (int) s.ms().stream().filter(m -> m.state().equals(st)).count()));
        }
        counter(metrics, "goroutines.spawned", "Gs made", c -> c.spawned());
        counter(metrics, "goroutines.completed", "Gs finished", c -> c.completed());
        counter(metrics, "goroutines.steals", "Run-queue steals by spinning Ms", c -> c.steals());
        counter(metrics, "goroutines.handoffs", "Ps handed to another M", c -> c.handoffs());
        counter(metrics, "goroutines.retakes", "Ps retaken from a G in a syscall", c -> c.syscallRetakes());
        counter(metrics, "goroutines.rejected", "Gs refused (max-runnable or shut down)", c -> c.rejected());
        counter(metrics, "goroutines.preemptions", "Gs that lost their P after holding it a whole slice",
                c -> c.preemptions());
        counter(metrics, "goroutines.shed", "Gs refused while the scheduler sheds load", c -> c.shed());
        detections(metrics, "blocked", c -> c.blockedDetected());
        detections(metrics, "native", c -> c.nativeDetected());
        counter(metrics, "goroutines.detections.false",
                "Native detections found needless on sysmon's next look (a safepoint, a JVM lock, a short call)",
                c -> c.nativeFalse());
        gauge(metrics, "goroutines.shedding", "1 while new requests are refused for queueing delay",
                s -> s.shedding() ? 1 : 0);
        for (Group.Cause cause : Group.Cause.values()) {
            metrics.builder("goroutines.cancellations").description("Groups cancelled, by cause")
                    .tag("cause", cause.name().toLowerCase(Locale.ROOT))
                    .buildCounter(() -> Group.cancellations(cause));
        }
    }

    private void detections(MetricsFactory metrics, String cause, ToLongFunction<SchedSnapshot.Counters> f) {
        metrics.builder("goroutines.detections")
                .description("Unannounced blocking found by sysmon, by what gave it away: the JVM's thread state"
                        + " (blocked) or the kernel's, or stalled CPU time, of a thread the JVM calls RUNNABLE (native)")
                .tag("cause", cause).buildCounter(() -> count(f));
    }

    private void gauge(MetricsFactory metrics, String name, String description, ToIntFunction<SchedSnapshot> f) {
        metrics.builder(name).description(description).buildGauge(() -> read(f));
    }

    private void counter(MetricsFactory metrics, String name, String description,
            ToLongFunction<SchedSnapshot.Counters> f) {
        metrics.builder(name).description(description).buildCounter(() -> count(f));
    }

    private long count(ToLongFunction<SchedSnapshot.Counters> f) {
        SchedSnapshot s = snapshot();
        return s == null ? 0L : f.applyAsLong(s.counters());
    }

    private Number read(ToIntFunction<SchedSnapshot> f) {
        SchedSnapshot s = snapshot();
        return s == null ? 0 : f.applyAsInt(s);
    }

    private SchedSnapshot snapshot() {
        GoExecutor go = Goroutines.executor();
        if (go == null) {
            return null;
        }
        Scheduler sched = go.scheduler();
        long now = System.nanoTime();
        Taken t = last;
        if (t == null || now - t.nanos() > MAX_AGE_NANOS) {
            t = new Taken(now, sched.snapshot());
            last = t;
        }
        return t.snapshot();
    }
}
