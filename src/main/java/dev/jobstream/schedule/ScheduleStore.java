package dev.jobstream.schedule;

import static dev.jobstream.schedule.ScheduleSql.*;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Singleton;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** The one home of {@code job_schedules}: it runs the statements of {@link ScheduleSql}. */
@Singleton
public class ScheduleStore {

    /** A tick this replica fires: the schedule, the tick, and the id of the run it makes. */
    public record Fired(UUID scheduleId, Instant tick, UUID runId) {
    }

    private final Pool pool;

    ScheduleStore(Pool pool) {
        this.pool = pool;
    }

    public Uni<Schedule> insert(UUID id, String job, UUID workspace, String cron, String zone, JsonObject params,
            int priority, boolean enabled, Instant nextFireAt, String by, String webhook) {
        return pool.preparedQuery(INSERT).execute(Tuple.tuple(java.util.Arrays.asList(id, job, workspace, cron, zone,
                params.encode(), (short) priority, enabled, utc(nextFireAt), by, webhook)))
                .map(rows -> Schedule.from(rows.iterator().next()));
    }

    public Uni<Void> upsertCode(String job, UUID workspace, String cron, Instant nextFireAt) {
        return pool.preparedQuery(UPSERT_CODE)
                .execute(Tuple.of(UUID.randomUUID(), job, workspace, cron, utc(nextFireAt))).replaceWithVoid();
    }

    public Uni<Optional<Schedule>> find(UUID id) {
        return pool.preparedQuery(FIND).execute(Tuple.of(id)).map(ScheduleStore::first);
    }

    /** Up to {@code limit} schedules, of {@code job} and {@code workspace} if given, within {@code scope} (null: all). */
    public Uni<List<Schedule>> list(String job, UUID workspace, Set<UUID> scope, int limit) {
        return pool.preparedQuery(LIST).execute(Tuple.of(job, workspace,
                scope == null ? null : scope.toArray(UUID[]::new), limit)).map(ScheduleStore::all);
    }

    /** Changes the schedule as read at {@code version}; empty when it changed since (or is gone). */
    public Uni<Optional<Schedule>> update(UUID id, String cron, String zone, JsonObject params, int priority,
            boolean enabled, Instant nextFireAt, int version, String webhook) {
        return pool.preparedQuery(UPDATE).execute(Tuple.tuple(java.util.Arrays.asList(id, cron, zone, params.encode(),
                (short) priority, enabled, utc(nextFireAt), version, webhook))).map(ScheduleStore::first);
    }

    /** Deletes a schedule added through the API; false if absent or declared in code. */
    public Uni<Boolean> delete(UUID id) {
        return pool.preparedQuery(DELETE).execute(Tuple.of(id)).map(rows -> rows.rowCount() == 1);
    }

    /** Up to {@code limit} enabled schedules of {@code jobs} whose tick is due, earliest first. */
    public Uni<List<Schedule>> due(String[] jobs, int limit) {
        return pool.preparedQuery(DUE).execute(Tuple.of(jobs, limit)).map(ScheduleStore::all);
    }

    /**
     * Moves the schedules on, on {@code client} (the transaction that inserts the ticks' runs): only those still at
     * the tick and not held by another replica; the item is the ticks this replica fires.
     */
    public Uni<List<Fired>> advance(SqlClient client, List<UUID> ids, List<Instant> ticks, List<Instant> next,
            List<UUID> runs) {
        return client.preparedQuery(ADVANCE).execute(Tuple.of(ids.toArray(UUID[]::new),
                ticks.stream().map(ScheduleStore::utc).toArray(OffsetDateTime[]::new),
                next.stream().map(ScheduleStore::utc).toArray(OffsetDateTime[]::new), runs.toArray(UUID[]::new)))
                .map(rows -> {
                    List<Fired> fired = new ArrayList<>(rows.size());
                    rows.forEach(row -> fired.add(new Fired(row.getUUID("id"),
                            row.getOffsetDateTime("tick").toInstant(), row.getUUID("run_id"))));
                    return fired;
                });
    }

    private static Optional<Schedule> first(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(Schedule.from(rows.iterator().next()));
    }

    private static List<Schedule> all(RowSet<Row> rows) {
        List<Schedule> schedules = new ArrayList<>(rows.size());
        rows.forEach(row -> schedules.add(Schedule.from(row)));
        return schedules;
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
