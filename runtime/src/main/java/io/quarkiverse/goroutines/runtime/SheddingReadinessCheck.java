package io.quarkiverse.goroutines.runtime;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.quarkiverse.goroutines.scheduler.SchedSnapshot;
import io.quarkiverse.goroutines.scheduler.Scheduler;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

/**
 * Readiness {@code goroutines}: DOWN while the scheduler sheds load (new requests get 503), so that a load balancer
 * sends traffic elsewhere until the run queues drain; UP otherwise, and when no scheduler runs.
 * <p>
 * Asynchronous on purpose: a synchronous check would run on the worker pool, that is as a G, which the scheduler
 * refuses while it sheds. This one reads two counters on the caller's thread. Registered only when the app has
 * {@code quarkus-smallrye-health}.
 */
@Readiness
@ApplicationScoped
public class SheddingReadinessCheck implements AsyncHealthCheck {

    @Override
    public Uni<HealthCheckResponse> call() {
        return Uni.createFrom().item(this::check);
    }

    HealthCheckResponse check() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("goroutines");
        GoExecutor go = Goroutines.executor();
        if (go == null) {
            return b.up().withData("scheduler", "not running").build();
        }
        Scheduler scheduler = go.scheduler();
        SchedSnapshot.Counters c = scheduler.snapshot().counters();
        boolean shedding = scheduler.shedding();
        AdmissionProbe.send(scheduler); // with no traffic while DOWN, this is what ends the shedding
        return b.status(!shedding).withData("shedding", shedding).withData("shed", c.shed())
                .withData("sheddingEpisodes", c.sheddingEpisodes()).build();
    }
}
