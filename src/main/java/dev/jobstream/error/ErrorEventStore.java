package dev.jobstream.error;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

import jakarta.inject.Singleton;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** The SQL of {@code error_events} and of their daily rollups in {@code error_event_rollups}. */
@Singleton
public class ErrorEventStore {

    /**
     * The columns an {@link ErrorEvent} is read from, named rather than {@code *}: a prepared statement whose result
     * changed shape (a newer replica's migration added a column) is refused by PostgreSQL.
     */
    static final String EVENT = """
            id, occurred_at, severity, kind, message, job_name, workspace_id, run_id, correlation_id, details,
            resolved_at, resolved_by""";

    static final String INSERT = """
            INSERT INTO error_events (severity, kind, message, job_name, workspace_id, run_id, correlation_id, details)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)
            RETURNING %s
            """.formatted(EVENT);

    static final String RESOLVE = """
            UPDATE error_events SET resolved_at = now(), resolved_by = $2
             WHERE id = $1 AND resolved_at IS NULL AND ($3::uuid[] IS NULL OR workspace_id = ANY($3::uuid[]))
            RETURNING %s
            """.formatted(EVENT);

    static final String FIND_BY_ID = """
            SELECT %s FROM error_events WHERE id = $1 AND ($2::uuid[] IS NULL OR workspace_id = ANY($2::uuid[]))
            """.formatted(EVENT);

    /** The day's error events per (kind, severity), written over any earlier rollup of that day. */
    static final String ROLL_UP_DAY = """
            INSERT INTO error_event_rollups (day, kind, severity, count, first_at, last_at)
            SELECT $1::date, kind, severity, count(*), min(occurred_at), max(occurred_at)
              FROM error_events
             WHERE occurred_at >= ($1::date)::timestamp AT TIME ZONE 'UTC'
               AND occurred_at < ($1::date + 1)::timestamp AT TIME ZONE 'UTC'
             GROUP BY kind, severity
            ON CONFLICT (day, kind, severity) DO UPDATE
               SET count = EXCLUDED.count, first_at = EXCLUDED.first_at, last_at = EXCLUDED.last_at,
                   rolled_up_at = now()
            RETURNING count
            """;

    /** What {@link #ROLL_UP_DAY} would write, without writing it. */
    static final String COUNT_DAY = """
            SELECT count(*) AS groups, coalesce(sum(n), 0) AS events
              FROM (SELECT count(*) AS n FROM error_events
                     WHERE occurred_at >= ($1::date)::timestamp AT TIME ZONE 'UTC'
                       AND occurred_at < ($1::date + 1)::timestamp AT TIME ZONE 'UTC'
                     GROUP BY kind, severity) g
            """;

    static final String DELETE_RESOLVED_BATCH = """
            DELETE FROM error_events
             WHERE id IN (SELECT id FROM error_events
                           WHERE resolved_at IS NOT NULL AND occurred_at < now() - $1 * interval '1 second'
                           LIMIT $2)
            """;

    static final String COUNT_RESOLVED = """
            SELECT count(*) FROM error_events
             WHERE resolved_at IS NOT NULL AND occurred_at < now() - $1 * interval '1 second'
            """;

    /** Error events that occurred before {@code $1}, a batch at a time (retention). */
    static final String DELETE_EXPIRED = """
            DELETE FROM error_events
             WHERE id IN (SELECT id FROM error_events
                           WHERE occurred_at < $1
                           ORDER BY occurred_at
                           LIMIT $2
                             FOR UPDATE SKIP LOCKED)
            """;

    /** Unresolved error events by severity. */
    static final String UNRESOLVED_BY_SEVERITY = """
            SELECT severity, count(*) AS n FROM error_events WHERE resolved_at IS NULL GROUP BY severity
            """;

    private final Pool pool;

    ErrorEventStore(Pool pool) {
        this.pool = pool;
    }

    /** Records an error event, within {@code client}'s transaction when it is one. */
    public Uni<ErrorEvent> insert(SqlClient client, NewErrorEvent event) {
        Tuple args = Tuple.tuple(List.of(event.severity(), event.kind(), event.message()))
                .addValue(event.job()).addValue(event.workspaceId()).addValue(event.runId())
                .addValue(event.correlationId()).addValue(new JsonObject(event.details()).encode());
        return client.preparedQuery(INSERT).execute(args).map(rows -> ErrorEvent.from(rows.iterator().next()));
    }

    public Uni<List<ErrorEvent>> list(ErrorQuery query) {
        List<String> conditions = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        Function<Object, String> arg = value -> {
            args.add(value);
            return "$" + args.size();
        };
        if (query.severity() != null) {
            conditions.add("severity = " + arg.apply(query.severity()));
        }
        if (query.kind() != null) {
            conditions.add("kind = " + arg.apply(query.kind()));
        }
        if (query.job() != null) {
            conditions.add("job_name = " + arg.apply(query.job()));
        }
        if (query.workspaceId() != null) {
            conditions.add("workspace_id = " + arg.apply(query.workspaceId()));
        }
        if (query.scope() != null) {
            conditions.add("workspace_id = ANY(" + arg.apply(query.scope().toArray(UUID[]::new)) + ")");
        }
        if (query.runId() != null) {
            conditions.add("run_id = " + arg.apply(query.runId()));
        }
        if (query.unresolved() != null) {
            conditions.add(query.unresolved() ? "resolved_at IS NULL" : "resolved_at IS NOT NULL");
        }
        if (query.beforeId() != null) {
            conditions.add("id < " + arg.apply(query.beforeId()));
        }
        String sql = "SELECT " + EVENT + " FROM error_events"
                + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions))
                + " ORDER BY id DESC LIMIT " + arg.apply(query.limit() + 1);
        return pool.preparedQuery(sql).execute(Tuple.tuple(args)).map(ErrorEventStore::events);
    }

    /**
     * Marks the event resolved; an event resolved before stays as it was. Empty if there is no such event in
     * {@code scope} (null: any workspace).
     */
    public Uni<Optional<ErrorEvent>> resolve(long id, String by, Set<UUID> scope) {
        UUID[] workspaces = scope == null ? null : scope.toArray(UUID[]::new);
        return pool.preparedQuery(RESOLVE).execute(Tuple.of(id, by, workspaces)).flatMap(rows -> {
            if (rows.size() == 1) {
                return Uni.createFrom().item(Optional.of(ErrorEvent.from(rows.iterator().next())));
            }
            return pool.preparedQuery(FIND_BY_ID).execute(Tuple.of(id, workspaces))
                    .map(found -> events(found).stream().findFirst());
        });
    }

    /** Rolls the day up; the item is the number of (kind, severity) groups written. */
    public Uni<Integer> rollUp(LocalDate day) {
        return pool.preparedQuery(ROLL_UP_DAY).execute(Tuple.of(day)).map(RowSet::rowCount);
    }

    /** {@code [groups, events]} that a rollup of the day would write. */
    public Uni<long[]> countForRollup(LocalDate day) {
        return pool.preparedQuery(COUNT_DAY).execute(Tuple.of(day)).map(rows -> {
            Row row = rows.iterator().next();
            return new long[]{row.getLong("groups"), row.getLong("events")};
        });
    }

    /** Deletes up to {@code batch} resolved events older than {@code age}; the item is how many. */
    public Uni<Integer> deleteResolvedBatch(Duration age, int batch) {
        return pool.preparedQuery(DELETE_RESOLVED_BATCH).execute(Tuple.of(age.toSeconds(), batch))
                .map(RowSet::rowCount);
    }

    public Uni<Long> countResolved(Duration age) {
        return pool.preparedQuery(COUNT_RESOLVED).execute(Tuple.of(age.toSeconds()))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** Deletes up to {@code limit} error events that occurred before {@code before}; the item is how many. */
    public Uni<Integer> deleteExpired(Instant before, int limit) {
        return pool.preparedQuery(DELETE_EXPIRED).execute(Tuple.of(before.atOffset(ZoneOffset.UTC), limit))
                .map(RowSet::rowCount);
    }

    /** The number of unresolved error events of each severity that has any. */
    public Uni<Map<String, Long>> unresolvedBySeverity() {
        return pool.preparedQuery(UNRESOLVED_BY_SEVERITY).execute().map(rows -> {
            Map<String, Long> counts = new TreeMap<>();
            rows.forEach(row -> counts.put(row.getString("severity"), row.getLong("n")));
            return counts;
        });
    }

    private static List<ErrorEvent> events(RowSet<Row> rows) {
        List<ErrorEvent> events = new ArrayList<>(rows.size());
        rows.forEach(row -> events.add(ErrorEvent.from(row)));
        return events;
    }
}
