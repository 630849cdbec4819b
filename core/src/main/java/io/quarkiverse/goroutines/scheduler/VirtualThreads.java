package io.quarkiverse.goroutines.scheduler;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.util.concurrent.Executor;

/**
 * The JDK hook that makes virtual threads run on a scheduler of ours.
 * <p>
 * A virtual thread hands its continuation to its scheduler's {@link Executor#execute} when it starts and every
 * time it is unparked; running that {@code Runnable} runs the thread until it parks, yields or ends. The JDK keeps
 * the constructor that takes a custom {@code Executor} package-private
 * ({@code java.lang.ThreadBuilders.VirtualThreadBuilder(Executor)}), so it is reached by reflection, which needs
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED}. Everything else goes through the public
 * {@code Thread.Builder} interface. The bytecode targets Java 17, so no JDK 21 type is named in the code.
 * <p>
 * Whether the hook works is decided once, when this class initialises; {@link #unavailableReason()} says why not.
 */
final class VirtualThreads {
    private static final MethodHandle NEW_BUILDER;
    private static final MethodHandle UNSTARTED;
    private static final String UNAVAILABLE;

    static {
        MethodHandle newBuilder = null;
        MethodHandle unstarted = null;
        String why = null;
        int feature = Runtime.version().feature();
        if (feature < 21) {
            why = "Java " + feature + " has no virtual threads (needs 21 or later)";
        } else {
            try {
                Class<?> builderClass = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
                Constructor<?> ctor = builderClass.getDeclaredConstructor(Executor.class);
                ctor.setAccessible(true);
                newBuilder = MethodHandles.lookup().unreflectConstructor(ctor)
                        .asType(MethodType.methodType(Object.class, Executor.class));
                Class<?> builderInterface = Class.forName("java.lang.Thread$Builder");
                unstarted = MethodHandles.publicLookup()
                        .unreflect(builderInterface.getMethod("unstarted", Runnable.class))
                        .asType(MethodType.methodType(Thread.class, Object.class, Runnable.class));
            } catch (RuntimeException e) {
                // InaccessibleObjectException (java.lang not opened) is a RuntimeException on Java 17 bytecode
                why = "the JDK refused access to its virtual-thread scheduler hook (" + e.getMessage()
                        + "); add --add-opens java.base/java.lang=ALL-UNNAMED";
                newBuilder = null;
            } catch (ReflectiveOperationException | LinkageError e) {
                why = "this JDK has no virtual-thread scheduler hook (" + e + ")";
                newBuilder = null;
            }
        }
        NEW_BUILDER = newBuilder;
        UNSTARTED = unstarted;
        UNAVAILABLE = why;
    }

    private VirtualThreads() {
    }

    /** Null when virtual threads can run on our scheduler, else the reason they cannot. */
    static String unavailableReason() {
        return UNAVAILABLE;
    }

    /** A {@code Thread.Builder.OfVirtual} whose threads run on {@code scheduler}. */
    static Object builder(Executor scheduler) {
        try {
            return NEW_BUILDER.invokeExact(scheduler);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot make a virtual-thread builder", t);
        }
    }

    /** A new, unstarted virtual thread from {@code builder} running {@code task}. */
    static Thread unstarted(Object builder, Runnable task) {
        try {
            return (Thread) UNSTARTED.invokeExact(builder, task);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot make a virtual thread", t);
        }
    }
}
