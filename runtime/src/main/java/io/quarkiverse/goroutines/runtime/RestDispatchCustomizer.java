package io.quarkiverse.goroutines.runtime;

import java.util.List;

import org.jboss.resteasy.reactive.common.model.ResourceClass;
import org.jboss.resteasy.reactive.server.model.HandlerChainCustomizer;
import org.jboss.resteasy.reactive.server.model.ServerResourceMethod;
import org.jboss.resteasy.reactive.server.spi.ServerRestHandler;

/**
 * Puts {@link RestDispatchHandler} into the handler chain of every blocking Quarkus REST method.
 * <p>
 * At {@code AFTER_MATCH} the request hops to a G before request filters, body reading (form and multipart bodies
 * included: on an M they are parsed in place, blocking) the method and response writing. The handler is added again
 * just before the method is invoked, a cheap check that moves the request back to a G should some handler have
 * resumed it elsewhere. {@code @RunOnVirtualThread} methods are left alone, unless
 * {@code quarkus.goroutines.virtual-threads.take-over} selects {@link WithVirtualThreads}: then they run as Gs too
 * (on an M blocking is allowed, so the stock virtual-thread dispatch that follows does nothing). Bytecode-recorded:
 * keep public with a public no-arg constructor.
 */
public class RestDispatchCustomizer implements HandlerChainCustomizer {

    @Override
    public List<ServerRestHandler> handlers(Phase phase, ResourceClass resourceClass, ServerResourceMethod method) {
        if ((phase == Phase.AFTER_MATCH || phase == Phase.BEFORE_METHOD_INVOKE)
                && method.isBlocking() && (includesVirtualThreadMethods() || !method.isRunOnVirtualThread())) {
            return List.of(new RestDispatchHandler());
        }
        return List.of();
    }

    /** Whether {@code @RunOnVirtualThread} methods become Gs as well. */
    protected boolean includesVirtualThreadMethods() {
        return false;
    }

    /** Takes {@code @RunOnVirtualThread} methods over too. */
    public static class WithVirtualThreads extends RestDispatchCustomizer {
        @Override
        protected boolean includesVirtualThreadMethods() {
            return true;
        }
    }
}
