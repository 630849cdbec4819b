package io.quarkiverse.goroutines.it;

import io.quarkiverse.goroutines.Go;

/** {@code <thread>|g<id>}, or {@code <thread>|none} outside a goroutine. */
public final class Where {

    private Where() {
    }

    /** In a G the thread is its M's: a virtual G names its carrier, so both modes read the same. */
    public static String here() {
        return Go.current().map(g -> g.thread() + "|g" + g.id())
                .orElse(Thread.currentThread().getName() + "|none");
    }
}
