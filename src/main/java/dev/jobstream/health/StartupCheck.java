package dev.jobstream.health;

import java.time.Instant;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

import io.quarkus.runtime.StartupEvent;

/** Started once migrations are applied and every component has started (the startup event was delivered). */
@Startup
@Singleton
public class StartupCheck implements HealthCheck {

    private final MigrationStore migrations;
    private final HealthData data;
    private volatile Instant startedAt;

    StartupCheck(MigrationStore migrations, HealthData data) {
        this.migrations = migrations;
        this.data = data;
    }

    void started(@Observes StartupEvent event) {
        startedAt = Instant.now();
    }

    @Override
    public HealthCheckResponse call() {
        boolean up = startedAt != null && migrations.latest() != null;
        return data.add(HealthCheckResponse.named("jobstream-started").status(up)
                .withData("status", up ? "healthy" : "unhealthy")
                .withData("started_at", startedAt == null ? "starting" : startedAt.toString())
                .withData("migrations", String.valueOf(migrations.latest())))
                .build();
    }
}
