package dev.jobstream.health;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.jobstream.stream.Notifications;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

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

    static final String STATE = """
            SELECT (SELECT count(*) FROM (SELECT 1 FROM job_runs WHERE status = 'queued' LIMIT $2) q) AS queued,
                   EXISTS (SELECT 1 FROM flyway_schema_history WHERE success AND version = $1) AS migrated,
                   (SELECT coalesce(jsonb_object_agg(severity, n), '{}'::jsonb)
                      FROM (SELECT severity, count(*) AS n FROM error_events
                             WHERE resolved_at IS NULL GROUP BY severity) s) AS unresolved
            """;

    private final Pool pool;
    private final Migrations migrations;
    private final Notifications notifications;
    private final HealthData data;

    ReadinessCheck(Pool pool, Migrations migrations, Notifications notifications, HealthData data) {
        this.pool = pool;
        this.migrations = migrations;
        this.notifications = notifications;
        this.data = data;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return pool.preparedQuery(STATE).execute(Tuple.of(migrations.latest(), QUEUED_COUNT_LIMIT))
                .ifNoItem().after(TIMEOUT).fail()
                .map(rows -> ready(rows.iterator().next()))
                .onFailure().recoverWithItem(failure -> data.add(HealthCheckResponse.named("jobstream-ready").down())
                        .withData("status", "unhealthy")
                        .withData("database", "unavailable: " + (failure.getMessage() == null
                                ? failure.getClass().getSimpleName()
                                : failure.getMessage()))
                        .build());
    }

    private HealthCheckResponse ready(Row row) {
        Map<String, Long> unresolved = new HashMap<>();
        JsonObject counts = row.getJsonObject("unresolved");
        counts.forEach(e -> unresolved.put(e.getKey(), ((Number) e.getValue()).longValue()));
        boolean migrated = row.getBoolean("migrated");
        boolean listening = notifications.connected();
        boolean up = migrated && listening;
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("jobstream-ready").status(up)
                .withData("status", up ? data.status(unresolved) : "unhealthy")
                .withData("database", "up")
                .withData("migrations", migrated
                        ? "applied (" + migrations.latest() + ")"
                        : "missing (" + migrations.latest() + ")")
                .withData("listen", listening ? "up" : "down")
                .withData("queued", row.getLong("queued"));
        HealthData.sorted(unresolved).forEach((severity, n) -> builder.withData("unresolved_" + severity, n));
        return data.add(builder).build();
    }
}
