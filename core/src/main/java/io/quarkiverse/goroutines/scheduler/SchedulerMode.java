package io.quarkiverse.goroutines.scheduler;

/**
 * How a scheduler runs its Gs.
 * <ul>
 * <li>{@link #PLATFORM}: a G runs on its M's platform thread from start to end. When it blocks, the M blocks with it
 * and the P is handed to another M (announced with {@code Go.syscall}, or detected by sysmon).</li>
 * <li>{@link #VIRTUAL}: each G is a virtual thread whose scheduler is this scheduler. When the G parks (a socket
 * read, a sleep, a lock, a channel) its continuation unmounts and the M goes on with the next G, as a goroutine's
 * {@code gopark} does; when it is unparked it comes back through Go's {@code ready}. Blocking that pins the carrier
 * (native code, file I/O, class initialisation) is handled as in platform mode. Needs JDK 21+ and
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED}.</li>
 * <li>{@link #AUTO}: {@code VIRTUAL} where the running JDK allows it, else {@code PLATFORM}.</li>
 * </ul>
 * A scheduler never fails to start for lack of virtual threads: it falls back to platform mode and says why
 * ({@link Scheduler#modeReason()}).
 */
public enum SchedulerMode {
    AUTO,
    VIRTUAL,
    PLATFORM
}
