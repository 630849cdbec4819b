package io.quarkiverse.goroutines.scheduler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The live Gs of a scheduler with their stacks, like Go's {@code /debug/pprof/goroutine?debug=2}.
 * <p>
 * Implementation notes: nothing is stopped. Each G is read field by field, so a G may change state while it is
 * listed; the result is a best-effort picture, as Go's is between two scheduling points. A G's stack is the stack of
 * the thread it is on: its M's thread while the G holds the M (running, in a syscall, detached, or a started G
 * waiting on its own M for a P), or for a virtual G its own virtual thread, mounted or parked. A queued platform G
 * that has not started has no stack yet. The stack is kept only if the M
 * still runs the same incarnation of the G after the stack was taken, so a stack never belongs to another G.
 */
public final class GoroutineDump {

    /** How many stack frames one G keeps at most. */
    static final int MAX_FRAMES = 64;

    private GoroutineDump() {
    }

    /**
     * One G.
     *
     * @param id its id
     * @param state its state
     * @param waitReason why it does not run, or {@code null}
     * @param ageMillis time since it was made
     * @param label what it serves ({@link GoroutineLabel}), or {@code null}
     * @param m the id of its M, or -1 while it has none
     * @param thread the name of its M's thread, or {@code null}
     * @param stack its stack, innermost frame first; empty when it has none or it was not asked for
     */
    public record Goroutine(long id, GStatus state, String waitReason, long ageMillis, String label, long m,
            String thread, List<StackTraceElement> stack) {
    }

    /**
     * The live Gs (not dead, not idle) in allocation order, at most {@code limit} of them.
     *
     * @param state only Gs in this state, or {@code null} for all
     * @param stacks whether to take each G's stack (one thread stack walk per G: use on demand only)
     */
    public static List<Goroutine> list(Scheduler s, GStatus state, int limit, boolean stacks) {
        List<Goroutine> out = new ArrayList<>(Math.min(limit, 1024));
        long now = System.nanoTime();
        for (G g : s.allgs()) {
            if (out.size() >= limit) {
                break;
            }
            if (g == null) {
                continue;
            }
            GStatus st = g.status();
            if (!st.live() || (state != null && st != state)) {
                continue;
            }
            out.add(describe(g, st, now, stacks));
        }
        return out;
    }

    /**
     * The state named {@code name} in any case ({@code syscall}), or {@code null} for a missing or blank name.
     *
     * @throws IllegalArgumentException {@code state=<name> is not a G state: allowed [...]}
     */
    public static GStatus parseState(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        try {
            return GStatus.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("state=" + name + " is not a G state: allowed "
                    + Arrays.toString(GStatus.values()).toLowerCase(Locale.ROOT), e);
        }
    }

    /** The live G with this id, with its stack. */
    public static Optional<Goroutine> find(Scheduler s, long id) {
        long now = System.nanoTime();
        for (G g : s.allgs()) {
            if (g != null && g.id == id) {
                GStatus st = g.status();
                if (!st.live()) {
                    return Optional.empty();
                }
                return Optional.of(describe(g, st, now, true));
            }
        }
        return Optional.empty();
    }

    private static Goroutine describe(G g, GStatus st, long now, boolean stacks) {
        long id = g.id;
        M m = g.m;
        Thread t = m == null ? null : m.thread;
        boolean onM = m != null && m.curg == g;
        List<StackTraceElement> stack = List.of();
        Thread vt = g.vthread;
        if (stacks && vt != null) {
            // A virtual G has a thread of its own, mounted or parked: its stack is the G's wherever it runs.
            StackTraceElement[] frames = vt.getStackTrace();
            if (g.vthread == vt && g.id == id) {
                stack = List.of(frames).subList(0, Math.min(frames.length, MAX_FRAMES));
            }
        } else if (stacks && onM && t != null) {
            StackTraceElement[] frames = t.getStackTrace();
            // Keep it only if the thread still runs the same incarnation: the stack was then this G's.
            if (m.curg == g && g.id == id) {
                stack = List.of(frames).subList(0, Math.min(frames.length, MAX_FRAMES));
            }
        }
        return new Goroutine(id, st, g.waitReason, Math.max(0, (now - g.createdNanos) / 1_000_000), g.label,
                onM ? m.id : -1, onM && t != null ? t.getName() : null, stack);
    }

    /**
     * Go's {@code debug=2} text: one block per G, a header line then its frames.
     *
     * <pre>
     * goroutine 7 [syscall, 1520 ms, M3 goroutines-m-3]: GET /slow
     *     java.base/java.lang.Thread.sleep(Thread.java:509)
     *     ...
     * </pre>
     */
    public static String text(List<Goroutine> gs) {
        StringBuilder b = new StringBuilder(256 * Math.max(1, gs.size()));
        for (Goroutine g : gs) {
            b.append("goroutine ").append(g.id()).append(" [").append(g.state().name().toLowerCase());
            if (g.waitReason() != null) {
                b.append(" (").append(g.waitReason()).append(')');
            }
            b.append(", ").append(g.ageMillis()).append(" ms");
            if (g.m() >= 0) {
                b.append(", M").append(g.m()).append(' ').append(g.thread());
            }
            b.append("]:");
            if (g.label() != null) {
                b.append(' ').append(g.label());
            }
            b.append('\n');
            for (StackTraceElement f : g.stack()) {
                b.append("    ").append(f).append('\n');
            }
            b.append('\n');
        }
        return b.toString();
    }
}
