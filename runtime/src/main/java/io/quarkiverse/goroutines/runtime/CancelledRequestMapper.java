package io.quarkiverse.goroutines.runtime;

import java.util.concurrent.CancellationException;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

import org.jboss.logging.Logger;

/**
 * A request whose G was cancelled (its deadline passed, its client went away, the scheduler is stopping) answers
 * {@code 503 Service Unavailable} with the reason as a plain-text body, instead of a logged 500. Registered by the
 * extension below the user's priority, so an application's own mapper for {@link CancellationException} wins.
 */
public class CancelledRequestMapper implements ExceptionMapper<CancellationException> {
    private static final Logger LOG = Logger.getLogger(CancelledRequestMapper.class);

    @Override
    public Response toResponse(CancellationException e) {
        LOG.debugf("request cancelled: %s", e.getMessage());
        return Response.status(Response.Status.SERVICE_UNAVAILABLE).type(MediaType.TEXT_PLAIN_TYPE)
                .entity(String.valueOf(e.getMessage())).build();
    }
}
