package io.quarkiverse.goroutines.deployment.app;

/** A CDI async event; the observer writes where it ran. */
public class AsyncPing {
    public volatile String servedBy;
}
