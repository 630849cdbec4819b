package io.quarkiverse.goroutines.scheduler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * What the kernel says about an M's thread, where it says it (Linux {@code /proc}); elsewhere every answer is
 * "unknown".
 * <p>
 * The JVM reports a thread blocked in native code as RUNNABLE. The kernel's scheduler state tells such a thread
 * ({@code S}/{@code D}: asleep in a call) from one that runs or waits for a core ({@code R}). sysmon asks it through
 * each M's {@link Probe} ({@code M.kernelState()}): to hand off a pinned G on the first sighting while work waits,
 * and to keep a thread whose CPU time stalled only for want of a core (a busy host) from being handed off.
 */
final class OsThreads {
    /** The kernel's state letter could not be read. */
    static final char UNKNOWN = '?';
    private static final Path THREAD_SELF = Paths.get("/proc/thread-self");

    private OsThreads() {
    }

    /** The calling thread's kernel thread id, or -1 where {@code /proc} does not tell. */
    static long currentTid() {
        try {
            Path target = Files.readSymbolicLink(THREAD_SELF); // "<pid>/task/<tid>"
            return Long.parseLong(target.getFileName().toString());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * A kept-open view of one thread's {@code stat} file: each {@link #state()} is one positioned read, with no
     * path, open or allocation. Used by one thread at a time (sysmon); {@link #close()} may come from another, after
     * which it answers {@link #UNKNOWN}.
     */
    static final class Probe implements AutoCloseable {
        private final FileChannel channel;
        private final ByteBuffer buf = ByteBuffer.allocate(512);

        private Probe(FileChannel channel) {
            this.channel = channel;
        }

        /** A probe of thread {@code tid}, or null where {@code /proc} does not tell. */
        static Probe of(long tid) {
            if (tid < 0) {
                return null;
            }
            try {
                return new Probe(FileChannel.open(Paths.get("/proc/self/task/" + tid + "/stat")));
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        /** The thread's state letter now, or {@link #UNKNOWN}. */
        char state() {
            try {
                buf.clear();
                int n = channel.read(buf, 0);
                for (int i = n - 1; i > 0; i--) { // the command name may hold spaces and parentheses
                    if (buf.get(i) == ')') {
                        return i + 2 < n ? (char) buf.get(i + 2) : UNKNOWN;
                    }
                }
                return UNKNOWN;
            } catch (IOException | RuntimeException e) {
                return UNKNOWN;
            }
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }
}
