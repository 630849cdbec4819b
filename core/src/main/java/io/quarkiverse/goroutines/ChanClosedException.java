package io.quarkiverse.goroutines;

/**
 * Thrown by a send on a closed {@link Chan}, by a send that was blocked when the channel was closed, and by a second
 * {@link Chan#close()} (where Go panics with "send on closed channel" and "close of closed channel").
 */
public class ChanClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public ChanClosedException(String message) {
        super(message);
    }
}
