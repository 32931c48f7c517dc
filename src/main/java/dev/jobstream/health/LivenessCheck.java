package dev.jobstream.health;

import java.time.Duration;
import java.time.Instant;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import dev.jobstream.config.JobstreamConfig;
import dev.jobstream.sweep.Sweeper;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Alive while an event loop runs a task within a second and the sweeper started within three intervals. It asks
 * nothing of the database (an outage must not restart every pod) nor of the service's own HTTP API.
 */
@Liveness
@Singleton
public class LivenessCheck implements AsyncHealthCheck {

    static final Duration EVENT_LOOP_TIMEOUT = Duration.ofSeconds(1);

    private final Vertx vertx;
    private final Sweeper sweeper;
    private final JobstreamConfig config;
    private final HealthData data;

    LivenessCheck(Vertx vertx, Sweeper sweeper, JobstreamConfig config, HealthData data) {
        this.vertx = vertx;
        this.sweeper = sweeper;
        this.config = config;
        this.data = data;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return Uni.createFrom().<Boolean>emitter(e -> vertx.runOnContext(v -> e.complete(true)))
                .ifNoItem().after(EVENT_LOOP_TIMEOUT).recoverWithItem(false)
                .map(this::alive);
    }

    private HealthCheckResponse alive(boolean eventLoop) {
        Instant started = sweeper.lastStarted();
        boolean sweeping = started.isAfter(Instant.now().minus(config.sweeper().interval().multipliedBy(3)));
        boolean up = eventLoop && sweeping;
        return data.add(HealthCheckResponse.named("jobstream-live").status(up)
                .withData("status", up ? "healthy" : "unhealthy")
                .withData("event_loop", eventLoop ? "up" : "blocked")
                .withData("sweeper_started", started.toString()))
                .build();
    }
}
