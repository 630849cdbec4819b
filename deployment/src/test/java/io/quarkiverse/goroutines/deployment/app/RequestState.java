package io.quarkiverse.goroutines.deployment.app;

import jakarta.enterprise.context.RequestScoped;

/**
 * Per-request values written by the filters and read by the resource; methods only (fields of a proxy are not the request's).
 */
@RequestScoped
public class RequestState {
    private String id;
    private String preMatchThread;
    private String filterThread;

    public String id() {
        return id;
    }

    public void id(String id) {
        this.id = id;
    }

    public String preMatchThread() {
        return preMatchThread;
    }

    public void preMatchThread(String t) {
        this.preMatchThread = t;
    }

    public String filterThread() {
        return filterThread;
    }

    public void filterThread(String t) {
        this.filterThread = t;
    }
}
