package dev.jobstream.replica;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Singleton;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** The SQL of the registries of replicas and workers ({@code replicas}, {@code workers}: migrations V15 and V18). */
@Singleton
public class ReplicaStore {

    /** The most rows a list returns: far more replicas than a deployment runs, within their retention. */
    static final int MAX_LISTED = 1000;

    /** A replica's row, written when it starts, with every heartbeat, and when it stops. */
    static final String BEAT = """
            INSERT INTO replicas (id, version, started_at, heartbeat_at, engines_max, engines_busy, runs_ended)
            VALUES ($1, $2, $3, now(), $4, $5, $6)
            ON CONFLICT (id) DO UPDATE
               SET version = EXCLUDED.version, started_at = EXCLUDED.started_at, heartbeat_at = now(),
                   stopped_at = NULL, engines_max = EXCLUDED.engines_max, engines_busy = EXCLUDED.engines_busy,
                   runs_ended = EXCLUDED.runs_ended""";

    static final String STOP = """
            UPDATE replicas SET stopped_at = now(), heartbeat_at = now(), engines_busy = 0, runs_ended = $2
             WHERE id = $1""";

    /** The replicas running first, newest first; with the database's clock, which their heartbeats use. */
    static final String LIST = """
            SELECT id, version, started_at, heartbeat_at, stopped_at, engines_max, engines_busy, runs_ended, now()
              FROM replicas
             ORDER BY stopped_at IS NOT NULL, started_at DESC, id
             LIMIT %d""".formatted(MAX_LISTED);

    /** Replicas stopped, or silent, since before $1. */
    static final String DELETE_EXPIRED = "DELETE FROM replicas WHERE coalesce(stopped_at, heartbeat_at) < $1";

    /**
     * Workers were in touch now through replica $5: $1 ids (their runs' owner), $2 tokens, $3 worker ids, $4 the jobs
     * of their claim as one comma-separated list each (empty: unchanged).
     */
    static final String CONTACT = """
            INSERT INTO workers AS w (id, token, worker, jobs, contact_at, replica)
            SELECT c.id, c.token, c.worker, string_to_array(nullif(c.jobs, ''), ','), now(), $5
              FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS c(id, token, worker, jobs)
            ON CONFLICT (id) DO UPDATE
               SET contact_at = now(), replica = EXCLUDED.replica,
                   jobs = CASE WHEN cardinality(EXCLUDED.jobs) > 0 THEN EXCLUDED.jobs ELSE w.jobs END""";

    /** The workers, last in touch first; with the database's clock. */
    static final String LIST_WORKERS = """
            SELECT id, token, worker, jobs, first_seen_at, contact_at, replica, now()
              FROM workers
             ORDER BY contact_at DESC, id
             LIMIT %d""".formatted(MAX_LISTED);

    /** Workers silent since before $1. */
    static final String DELETE_EXPIRED_WORKERS = "DELETE FROM workers WHERE contact_at < $1";

    /** A worker's row: its last contact, and the database's time when it was read. */
    public record StoredWorker(String id, String token, String worker, List<String> jobs, Instant firstSeenAt,
            Instant contactAt, String replica, Instant readAt) {
    }

    /** A worker in touch: the owner its runs carry, its token and id, and the jobs it claims (empty: unchanged). */
    public record Contact(String id, String token, String worker, List<String> jobs) {
    }

    /** A row of the registry, and the database's time when it was read. */
    public record Stored(String id, String version, Instant startedAt, Instant heartbeatAt, Instant stoppedAt,
            int enginesMax, int enginesBusy, long runsEnded, Instant readAt) {
    }

    private final Pool pool;

    ReplicaStore(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> beat(String id, String version, Instant startedAt, int enginesMax, int enginesBusy,
            long runsEnded) {
        return pool.preparedQuery(BEAT)
                .execute(Tuple.tuple(List.of(id, version, utc(startedAt), enginesMax, enginesBusy, runsEnded)))
                .replaceWithVoid();
    }

    public Uni<Void> stop(String id, long runsEnded) {
        return pool.preparedQuery(STOP).execute(Tuple.of(id, runsEnded)).replaceWithVoid();
    }

    public Uni<List<Stored>> list() {
        return pool.preparedQuery(LIST).execute().map(rows -> {
            List<Stored> replicas = new ArrayList<>();
            for (Row row : rows) {
                replicas.add(new Stored(row.getString(0), row.getString(1), instant(row, 2), instant(row, 3),
                        instant(row, 4), row.getInteger(5), row.getInteger(6), row.getLong(7), instant(row, 8)));
            }
            return replicas;
        });
    }

    public Uni<Void> contact(List<Contact> workers, String replica) {
        return pool.preparedQuery(CONTACT).execute(Tuple.of(
                workers.stream().map(Contact::id).toArray(String[]::new),
                workers.stream().map(Contact::token).toArray(String[]::new),
                workers.stream().map(Contact::worker).toArray(String[]::new),
                workers.stream().map(c -> String.join(",", c.jobs())).toArray(String[]::new), replica))
                .replaceWithVoid();
    }

    public Uni<List<StoredWorker>> workers() {
        return pool.preparedQuery(LIST_WORKERS).execute().map(rows -> {
            List<StoredWorker> workers = new ArrayList<>();
            for (Row row : rows) {
                String[] jobs = row.getArrayOfStrings(3);
                workers.add(new StoredWorker(row.getString(0), row.getString(1), row.getString(2),
                        jobs == null ? List.of() : List.of(jobs), instant(row, 4), instant(row, 5), row.getString(6),
                        instant(row, 7)));
            }
            return workers;
        });
    }

    /** Deletes the workers silent since before {@code before}; returns how many. */
    public Uni<Integer> deleteExpiredWorkers(Instant before) {
        return pool.preparedQuery(DELETE_EXPIRED_WORKERS).execute(Tuple.of(utc(before))).map(rows -> rows.rowCount());
    }

    /** Deletes the replicas stopped or silent since before {@code before}; returns how many. */
    public Uni<Integer> deleteExpired(Instant before) {
        return pool.preparedQuery(DELETE_EXPIRED).execute(Tuple.of(utc(before))).map(rows -> rows.rowCount());
    }

    private static Instant instant(Row row, int column) {
        OffsetDateTime at = row.getOffsetDateTime(column);
        return at == null ? null : at.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
