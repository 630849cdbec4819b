package io.quarkiverse.goroutines.runtime.dev;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.quarkiverse.goroutines.scheduler.GStatus;
import io.quarkiverse.goroutines.scheduler.GoroutineDump;
import io.quarkiverse.goroutines.scheduler.SchedSnapshot;
import io.quarkiverse.goroutines.scheduler.Scheduler;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Multi;

/**
 * The Dev UI's JSON-RPC methods for the scheduler view.
 * <p>
 * Every unary method is {@code @NonBlocking}: it runs on the Vert.x event loop and reads the last sample or a cheap
 * part of the scheduler, so the view never queues work on the pool it observes. The one exception, {@code resize},
 * stops the world for a moment and so runs on a thread of its own, answering when done. Streams deliver the
 * {@link SchedulerSampler}'s shared samples; a subscriber that is slow loses samples rather than slowing anyone.
 */
@ApplicationScoped
public class GoroutinesJsonRpcService {

    private final SchedulerSampler sampler = new SchedulerSampler();

    @PostConstruct
    void start() {
        sampler.start();
    }

    @PreDestroy
    void stop() {
        sampler.stop();
    }

    /** The last sample: Ps, Ms, Gs by state, queues, counters. */
    @NonBlocking
    public SchedulerView scheduler() {
        SchedulerView v = sampler.latest();
        return v.running() ? v : SchedulerSampler.sample();
    }

    /** A sample about four times a second. */
    public Multi<SchedulerView> streamScheduler() {
        return sampler.views().onOverflow().drop();
    }

    /** The card label, e.g. {@code 2 Ps · 37 Gs}, about four times a second. */
    public Multi<String> streamLabel() {
        return sampler.views().map(SchedulerView::label).onOverflow().drop();
    }

    /** The Timeline's recorded points, oldest first (up to five minutes). */
    @NonBlocking
    public List<SchedulerView.Point> timeline() {
        return sampler.history();
    }

    /** Up to 500 live Gs of one state ({@code ""} for all), and the count of every live G by state. */
    @NonBlocking
    public GoroutineList goroutines(String state) {
        Scheduler s = SchedulerSampler.scheduler();
        if (s == null) {
            return new GoroutineList(0, Map.of(), List.of(), false);
        }
        GStatus filter = GoroutineDump.parseState(state);
        SchedSnapshot snap = s.snapshot();
        List<GoroutineDump.Goroutine> gs = GoroutineDump.list(s, filter, GoroutineList.LIMIT + 1, false);
        boolean truncated = gs.size() > GoroutineList.LIMIT;
        List<GoroutineList.Row> rows = gs.stream().limit(GoroutineList.LIMIT).map(GoroutineList.Row::of)
                .collect(Collectors.toList());
        return new GoroutineList(snap.goroutines(), GoroutineList.live(snap), rows, truncated);
    }

    /** The stack of one live G, innermost frame first, as text; says so when the G is gone or has no stack. */
    @NonBlocking
    public String stack(long id) {
        Scheduler s = SchedulerSampler.scheduler();
        Optional<GoroutineDump.Goroutine> g = s == null ? Optional.empty() : GoroutineDump.find(s, id);
        if (g.isEmpty()) {
            return "goroutine " + id + " has finished";
        }
        if (g.get().stack().isEmpty()) {
            return GoroutineDump.text(List.of(g.get())) + "(no stack: the G waits in a run queue and has not started)";
        }
        return GoroutineDump.text(List.of(g.get()));
    }

    /** The settings the Controls page can change, with their current values. */
    @NonBlocking
    public Controls controls() {
        Scheduler s = SchedulerSampler.scheduler();
        if (s == null) {
            return new Controls(false, 0, 0, sampler.tracing(), null);
        }
        return Controls.of(s, sampler.tracing(), null);
    }

    /**
     * Resizes the scheduler to {@code procs} Ps (Go's {@code GOMAXPROCS(n)}). A value out of range changes nothing and
     * comes back as the answer's {@code error}.
     */
    @NonBlocking
    public CompletionStage<Controls> resize(int procs) {
        Scheduler s = SchedulerSampler.scheduler();
        if (s == null) {
            return CompletableFuture
                    .completedFuture(new Controls(false, 0, 0, sampler.tracing(), "the scheduler is not running"));
        }
        // A resize stops the world for a moment: neither on the event loop nor on the pool it resizes, but on a
        // short-lived thread of its own.
        return CompletableFuture.supplyAsync(() -> {
            try {
                s.procs(procs);
                return Controls.of(s, sampler.tracing(), null);
            } catch (IllegalArgumentException e) {
                return Controls.of(s, sampler.tracing(), "quarkus.goroutines." + e.getMessage());
            }
        }, task -> {
            Thread t = new Thread(task, "goroutines-devui-resize");
            t.setDaemon(true);
            t.start();
        });
    }

    /** Turns the once-a-second {@code SCHED} log line on or off (logger {@code io.quarkiverse.goroutines.schedtrace}). */
    @NonBlocking
    public Controls schedtrace(boolean enabled) {
        sampler.tracing(enabled);
        return controls();
    }

    /**
     * The Controls page's state.
     *
     * @param running whether a scheduler runs
     * @param procs the number of Ps
     * @param maxProcs the largest accepted number of Ps
     * @param schedtrace whether the view prints {@code SCHED} lines
     * @param error why the last change was refused, or {@code null}
     */
    public record Controls(boolean running, int procs, int maxProcs, boolean schedtrace, String error) {
        static Controls of(Scheduler s, boolean tracing, String error) {
            return new Controls(true, s.procs(), SchedulerSampler.maxProcs(s), tracing, error);
        }
    }
}
