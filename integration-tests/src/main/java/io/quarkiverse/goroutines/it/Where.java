package io.quarkiverse.goroutines.it;

import io.quarkiverse.goroutines.Go;

/** {@code <thread>|g<id>}, or {@code <thread>|none} outside a goroutine. */
public final class Where {

    private Where() {
    }

    public static String here() {
        return Thread.currentThread().getName() + "|" + Go.current().map(g -> "g" + g.id()).orElse("none");
    }
}
