package io.quarkiverse.goroutines.scheduler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * What the kernel says about an M's thread, where it says it (Linux {@code /proc}); elsewhere every answer is
 * "unknown".
 * <p>
 * sysmon suspects a thread of waiting in native code when the JVM reports it RUNNABLE but its CPU time stands
 * still. On a host short of CPU a thread that is merely waiting for a core looks the same. The kernel's scheduler
 * state tells them apart: {@code R} (running or waiting for a core) versus {@code S}/{@code D} (asleep in a call).
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
        private final java.nio.channels.FileChannel channel;
        private final java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(512);

        private Probe(java.nio.channels.FileChannel channel) {
            this.channel = channel;
        }

        /** A probe of thread {@code tid}, or null where {@code /proc} does not tell. */
        static Probe of(long tid) {
            if (tid < 0) {
                return null;
            }
            try {
                return new Probe(java.nio.channels.FileChannel.open(Paths.get("/proc/self/task/" + tid + "/stat")));
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

    /**
     * The kernel's state letter of thread {@code tid} of this process ({@code R}, {@code S}, {@code D}...), or
     * {@link #UNKNOWN}. Costs one small file read.
     */
    static char state(long tid) {
        if (tid < 0) {
            return UNKNOWN;
        }
        try {
            String stat = new String(Files.readAllBytes(Paths.get("/proc/self/task/" + tid + "/stat")),
                    StandardCharsets.US_ASCII);
            int close = stat.lastIndexOf(')'); // the command name may hold spaces and parentheses
            return close < 0 || close + 2 >= stat.length() ? UNKNOWN : stat.charAt(close + 2);
        } catch (IOException | RuntimeException e) {
            return UNKNOWN;
        }
    }
}
