package io.quarkiverse.goroutines.runtime.dev;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.quarkiverse.goroutines.Group;
import io.quarkiverse.goroutines.scheduler.GStatus;
import io.quarkiverse.goroutines.scheduler.GoroutineDump;
import io.quarkiverse.goroutines.scheduler.SchedSnapshot;

/**
 * What the Goroutines page shows: at most {@link #LIMIT} Gs, and the count of every live G by state, so that the page
 * stays responsive with tens of thousands of Gs.
 *
 * @param total live Gs
 * @param byState live Gs by state
 * @param shown the Gs sent, in allocation order, without stacks
 * @param truncated whether more Gs matched than were sent
 */
public record GoroutineList(int total, Map<String, Integer> byState, List<Row> shown, boolean truncated) {

    /** How many Gs one answer carries at most. */
    static final int LIMIT = 500;

    /** One G, as a grid row; {@code group} names its {@link Group} and the time left before the deadline, or null. */
    public record Row(long id, String state, String waitReason, long ageMillis, String label, long m,
            String thread, String group) {
        static Row of(GoroutineDump.Goroutine g) {
            return new Row(g.id(), g.state().name(), g.waitReason(), g.ageMillis(), g.label(), g.m(), g.thread(),
                    Group.ofGoroutine(g.id()).map(Group::toString).orElse(null));
        }
    }

    /** Live Gs by state name, leaving out dead and idle ones. */
    static Map<String, Integer> live(SchedSnapshot snap) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (Map.Entry<GStatus, Integer> e : snap.goroutinesByState().entrySet()) {
            if (e.getKey() != GStatus.DEAD && e.getKey() != GStatus.IDLE) {
                m.put(e.getKey().name(), e.getValue());
            }
        }
        return m;
    }
}
