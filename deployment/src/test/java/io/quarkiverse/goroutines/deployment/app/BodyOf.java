package io.quarkiverse.goroutines.deployment.app;

/** A request body and the thread that read it. */
public class BodyOf {
    public final String text;
    public final String readBy;

    public BodyOf(String text, String readBy) {
        this.text = text;
        this.readBy = readBy;
    }
}
