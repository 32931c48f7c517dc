package dev.jobstream.health;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.jobstream.error.ErrorEventStore;
import dev.jobstream.pg.Notifications;
import dev.jobstream.run.store.RunStore;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

/**
 * Ready when PostgreSQL answers within a second, the newest migration is applied and the LISTEN connection (which
 * carries events, control requests and new runs between replicas) is up. It reports the queue and the unresolved
 * error events by severity.
 */
@Readiness
@Singleton
public class ReadinessCheck implements AsyncHealthCheck {

    static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** Queued runs are counted up to this many; beyond, the figure reads as "at least". */
    static final int QUEUED_COUNT_LIMIT = 100_000;

    private final RunStore runs;
    private final ErrorEventStore errors;
    private final MigrationStore migrations;
    private final Notifications notifications;
    private final HealthData data;

    ReadinessCheck(RunStore runs, ErrorEventStore errors, MigrationStore migrations, Notifications notifications,
            HealthData data) {
        this.runs = runs;
        this.errors = errors;
        this.migrations = migrations;
        this.notifications = notifications;
        this.data = data;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return Uni.combine().all().unis(migrations.applied(), runs.countQueued(QUEUED_COUNT_LIMIT),
                errors.unresolvedBySeverity()).asTuple()
                .ifNoItem().after(TIMEOUT).fail()
                .map(state -> ready(state.getItem1(), state.getItem2(), state.getItem3()))
                .onFailure().recoverWithItem(failure -> data.add(HealthCheckResponse.named("jobstream-ready").down())
                        .withData("status", "unhealthy")
                        .withData("database", "unavailable: " + (failure.getMessage() == null
                                ? failure.getClass().getSimpleName()
                                : failure.getMessage()))
                        .build());
    }

    private HealthCheckResponse ready(boolean migrated, long queued, Map<String, Long> unresolved) {
        boolean listening = notifications.connected();
        boolean up = migrated && listening;
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("jobstream-ready").status(up)
                .withData("status", up ? data.status(unresolved) : "unhealthy")
                .withData("database", "up")
                .withData("migrations", migrated
                        ? "applied (" + migrations.latest() + ")"
                        : "missing (" + migrations.latest() + ")")
                .withData("listen", listening ? "up" : "down")
                .withData("queued", queued);
        HealthData.sorted(unresolved).forEach((severity, n) -> builder.withData("unresolved_" + severity, n));
        return data.add(builder).build();
    }
}
