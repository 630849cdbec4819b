package io.quarkiverse.goroutines.deployment.app;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;

/** One endpoint per way blocking work reaches the worker pool; each answers {@link Where#here()}. */
@Path("/paths")
public class PathsResource {

    /** Thread that ran the last {@code /paths/boom}. */
    public static final AtomicReference<Thread> BOOM_THREAD = new AtomicReference<>();

    @Inject
    RequestState requestState;
    @Inject
    ManagedExecutor managedExecutor;
    @Inject
    ExecutorService executorService;
    @Inject
    Executor executor;
    @Inject
    Event<AsyncPing> asyncEvent;
    @Inject
    Vertx vertx;
    @Inject
    EventBus bus;

    @GET
    @Path("plain")
    public String plain() {
        return Where.here();
    }

    @GET
    @Path("blocking-uni")
    @Blocking
    public Uni<String> blockingUni() {
        return Uni.createFrom().item(Where.here());
    }

    @GET
    @Path("event-loop")
    public Uni<String> eventLoop() {
        return Uni.createFrom().item(Where.here());
    }

    /** The request filter's thread and this method's thread. */
    @GET
    @Path("filter")
    public String filter() {
        return requestState.filterThread() + " -> " + Where.here();
    }

    @POST
    @Path("body")
    @Consumes(MediaType.TEXT_PLAIN)
    public String body(BodyOf body) {
        return body.readBy + " -> " + Where.here() + " (" + body.text.length() + " chars)";
    }

    @POST
    @Path("form")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public String form(@RestForm String name) {
        return requestState.filterThread() + " -> " + Where.here() + " name=" + name;
    }

    @POST
    @Path("multipart")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public String multipart(@RestForm String name, @RestForm("file") FileUpload file) {
        return requestState.filterThread() + " -> " + Where.here() + " name=" + name + " size=" + file.size();
    }

    @GET
    @Path("boom")
    public String boom() {
        BOOM_THREAD.set(Where.mThread());
        throw new IllegalStateException("boom on " + Where.here());
    }

    /** What a pre-matching filter put into the request on the event loop, as seen inside the G. */
    @GET
    @Path("context")
    public String context() {
        Context ctx = Vertx.currentContext();
        return "scope=" + requestState.id() + " mdc=" + MDC.get("rid") + " vertx=" + (ctx != null)
                + " duplicated=" + (ctx != null && io.smallrye.common.vertx.VertxContext.isDuplicatedContext(ctx))
                + " set-on=" + requestState.preMatchThread() + " read-on=" + Where.here();
    }

    @GET
    @Path("execute-blocking")
    public Uni<String> executeBlocking() {
        return Uni.createFrom().completionStage(
                () -> vertx.executeBlocking(() -> Where.here()).toCompletionStage());
    }

    @GET
    @Path("consume-event")
    public Uni<String> consumeEvent() {
        return Uni.createFrom().completionStage(
                () -> bus.<String> request(BlockingConsumer.ADDRESS, "ping").map(m -> m.body()).toCompletionStage());
    }

    @GET
    @Path("scheduled")
    public String scheduled() throws InterruptedException {
        if (!BlockingJob.RAN.await(10, TimeUnit.SECONDS)) {
            return "scheduled job did not run";
        }
        return BlockingJob.SERVED.get();
    }

    @GET
    @Path("managed-executor")
    public String managedExecutor() throws Exception {
        return managedExecutor.supplyAsync(Where::here).get(10, TimeUnit.SECONDS);
    }

    @GET
    @Path("executor-service")
    public String executorService() throws Exception {
        return executorService.submit(Where::here).get(10, TimeUnit.SECONDS);
    }

    @GET
    @Path("executor")
    public String executor() throws Exception {
        return CompletableFuture.supplyAsync(Where::here, executor).get(10, TimeUnit.SECONDS);
    }

    @GET
    @Path("mutiny")
    public Uni<String> mutiny() {
        return Uni.createFrom().item(Where::here).runSubscriptionOn(Infrastructure.getDefaultExecutor());
    }

    @GET
    @Path("cdi-async")
    public String cdiAsync() throws Exception {
        return asyncEvent.fireAsync(new AsyncPing()).toCompletableFuture().get(10, TimeUnit.SECONDS).servedBy;
    }
}
