package io.quarkiverse.goroutines.it;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A wait that really holds its thread: libc's {@code nanosleep(2)}, called through the Foreign Function and Memory
 * API.
 * <p>
 * Why this pins: while a thread is inside a native frame the JVM cannot unmount a virtual thread from its carrier,
 * and the JDK's virtual-thread scheduler adds no carrier for it (it compensates only for some file I/O and
 * {@code Object.wait}). A platform thread shows {@code RUNNABLE} the whole time, as in any blocking syscall, so only a
 * scheduler that notices a G making no progress can hand its P away. This is the Java twin of Go's
 * {@code syscall.Nanosleep}.
 * <p>
 * The demo compiles with release 21, where {@code java.lang.foreign} is a preview API, so the downcall is set up by
 * reflection once, on first use, and needs a JDK 22 or newer at run time ({@link #available()}). The JDK prints a
 * one-time warning about a restricted method unless the JVM runs with {@code --enable-native-access=ALL-UNNAMED}.
 * Each duration's {@code struct timespec} is allocated once in the global arena and only read by the kernel, so
 * concurrent callers share it.
 */
final class NativeSleep {
    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final long MILLIS_PER_SECOND = 1_000L;
    private static volatile Downcall downcall;

    private NativeSleep() {
    }

    /** True when this JDK has the final FFM API (22+). */
    static boolean available() {
        return Runtime.version().feature() >= 22;
    }

    /** Blocks the calling thread in {@code nanosleep} for {@code millis} ms (a signal may end it early). */
    static void sleep(int millis) {
        if (!available()) {
            throw new UnsupportedOperationException("a native sleep needs JDK 22 or newer (FFM API), this is "
                    + Runtime.version());
        }
        Downcall d = downcall;
        if (d == null) {
            d = downcall = Downcall.link();
        }
        d.sleep(millis);
    }

    /** The linked {@code nanosleep} and one timespec per duration asked for. */
    private record Downcall(MethodHandle nanosleep, Object nullAddress, MethodHandle setLong, Object longLayout,
            Object arena, MethodHandle allocate, ConcurrentHashMap<Integer, Object> timespecs) {

        static Downcall link() {
            try {
                Class<?> linkerClass = Class.forName("java.lang.foreign.Linker");
                Class<?> lookupClass = Class.forName("java.lang.foreign.SymbolLookup");
                Class<?> layoutClass = Class.forName("java.lang.foreign.MemoryLayout");
                Class<?> valueLayout = Class.forName("java.lang.foreign.ValueLayout");
                Class<?> descriptorClass = Class.forName("java.lang.foreign.FunctionDescriptor");
                Class<?> optionClass = Class.forName("java.lang.foreign.Linker$Option");
                Class<?> segmentClass = Class.forName("java.lang.foreign.MemorySegment");
                Class<?> arenaClass = Class.forName("java.lang.foreign.Arena");
                Class<?> ofLong = Class.forName("java.lang.foreign.ValueLayout$OfLong");

                Object linker = linkerClass.getMethod("nativeLinker").invoke(null);
                Object libc = linkerClass.getMethod("defaultLookup").invoke(linker);
                Object symbol = ((Optional<?>) lookupClass.getMethod("find", String.class).invoke(libc, "nanosleep"))
                        .orElseThrow(() -> new IllegalStateException("libc has no nanosleep"));
                Object address = valueLayout.getField("ADDRESS").get(null);
                Object layouts = Array.newInstance(layoutClass, 2);
                Array.set(layouts, 0, address);
                Array.set(layouts, 1, address);
                // int nanosleep(const struct timespec *req, struct timespec *rem)
                Object descriptor = descriptorClass.getMethod("of", layoutClass, layouts.getClass())
                        .invoke(null, valueLayout.getField("JAVA_INT").get(null), layouts);
                MethodHandle handle = (MethodHandle) linkerClass
                        .getMethod("downcallHandle", segmentClass, descriptorClass, optionClass.arrayType())
                        .invoke(linker, symbol, descriptor, Array.newInstance(optionClass, 0));

                MethodHandle setLong = java.lang.invoke.MethodHandles.publicLookup()
                        .findVirtual(segmentClass, "set", MethodType.methodType(void.class, ofLong, long.class, long.class));
                MethodHandle allocate = java.lang.invoke.MethodHandles.publicLookup()
                        .findVirtual(arenaClass, "allocate", MethodType.methodType(segmentClass, long.class, long.class));
                return new Downcall(
                        handle.asType(MethodType.methodType(int.class, Object.class, Object.class)),
                        segmentClass.getField("NULL").get(null),
                        setLong.asType(MethodType.methodType(void.class, Object.class, Object.class, long.class, long.class)),
                        valueLayout.getField("JAVA_LONG").get(null),
                        arenaClass.getMethod("global").invoke(null),
                        allocate.asType(MethodType.methodType(Object.class, Object.class, long.class, long.class)),
                        new ConcurrentHashMap<>());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot link libc nanosleep through the FFM API", e);
            }
        }

        void sleep(int millis) {
            Object req = timespecs.computeIfAbsent(millis, this::timespec);
            try {
                // -1 (EINTR) after a signal: the remainder is dropped, which a load-test wait can afford.
                int rc = (int) nanosleep.invokeExact(req, nullAddress);
            } catch (Throwable t) {
                throw new IllegalStateException("nanosleep failed", t);
            }
        }

        /** {@code struct timespec { time_t tv_sec; long tv_nsec; }}: two 64-bit fields on LP64 Linux. */
        private Object timespec(int millis) {
            try {
                Object ts = (Object) allocate.invokeExact(arena, 16L, 8L);
                setLong.invokeExact(ts, longLayout, 0L, millis / MILLIS_PER_SECOND);
                setLong.invokeExact(ts, longLayout, 8L, (millis % MILLIS_PER_SECOND) * NANOS_PER_MILLI);
                return ts;
            } catch (Throwable t) {
                throw new IllegalStateException("cannot allocate a timespec", t);
            }
        }
    }
}
