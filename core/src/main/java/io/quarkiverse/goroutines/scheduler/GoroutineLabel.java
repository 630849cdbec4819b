package io.quarkiverse.goroutines.scheduler;

/**
 * Labels the running G with what it serves (for example {@code GET /orders/7}), like a pprof label in Go. The label
 * shows in goroutine dumps and in the Dev UI; it belongs to one incarnation of the G, so it is set by a wrapper around
 * the task and cleared when the task ends, before the G can be reused.
 */
public final class GoroutineLabel {

    private GoroutineLabel() {
    }

    /** Wraps {@code task} so that it runs with {@code label} on its G; outside a G it runs unlabelled. */
    public static Runnable wrap(String label, Runnable task) {
        return new Labelled(label, task);
    }

    /** The label of the G running the calling code, or {@code null}. */
    public static String current() {
        G g = currentG();
        return g == null ? null : g.label;
    }

    private static G currentG() {
        G vg = Scheduler.CURRENT_VG.get(); // a virtual G, wherever it is mounted
        if (vg != null) {
            return vg;
        }
        M m = Scheduler.CURRENT_M.get();
        return m == null ? null : m.curg;
    }

    /** Sets the label for the run of the task and clears it after, even when the task throws. */
    private record Labelled(String label, Runnable task) implements Runnable {
        @Override
        public void run() {
            G g = currentG();
            if (g == null) {
                task.run();
                return;
            }
            g.label = label;
            try {
                task.run();
            } finally {
                g.label = null;
            }
        }

        @Override
        public String toString() {
            return task.toString();
        }
    }
}
