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

    /**
     * Carriers for virtual threads that inherit a G's scheduler without being Gs (threads that a G's code starts,
     * and the JDK's I/O pollers when a G is the first to need one). They outlive every scheduler: a poller bound to
     * a scheduler that stopped would leave every later socket wait in the JVM hanging. A daemon
     * {@link java.util.concurrent.ForkJoinPool} in FIFO mode, like the JDK's own virtual-thread scheduler.
     */
    static java.util.concurrent.Executor foreignCarriers() {
        return ForeignCarriers.POOL;
    }

    private static final class ForeignCarriers {
        static final java.util.concurrent.ForkJoinPool POOL = new java.util.concurrent.ForkJoinPool(
                Math.max(1, Runtime.getRuntime().availableProcessors()), pool -> {
                    java.util.concurrent.ForkJoinWorkerThread t = java.util.concurrent.ForkJoinPool.defaultForkJoinWorkerThreadFactory
                            .newThread(pool);
                    t.setName("goroutines-vthread-carrier-" + t.getPoolIndex());
                    t.setDaemon(true);
                    return t;
                }, null, true);
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
