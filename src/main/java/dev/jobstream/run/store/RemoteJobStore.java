package dev.jobstream.run.store;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.inject.Singleton;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The SQL of {@code remote_jobs}, the jobs executed by workers (migrations/V17__remote_jobs.sql). Every change is
 * announced on {@code jobstream_jobs} in its transaction, so that each replica reads the jobs again.
 */
@Singleton
public class RemoteJobStore {

    static final String ALL = "SELECT name, definition::text FROM remote_jobs ORDER BY name";

    /** Creates or replaces the job $1; answers whether it was created. */
    static final String PUT = """
            WITH put AS (
                INSERT INTO remote_jobs AS j (name, definition, updated_by) VALUES ($1, $2::text::jsonb, $3)
                    ON CONFLICT (name) DO UPDATE
                   SET definition = excluded.definition, updated_at = now(), updated_by = excluded.updated_by
                RETURNING (xmax = 0) AS created
            )
            SELECT created, pg_notify('jobstream_jobs', $1) FROM put
            """;

    /**
     * Deletes the job $1 unless it has active runs (queued, running, paused: they would wait for a job no one
     * knows); answers 'deleted', 'active' or nothing when there is no such job. The active runs are looked for in
     * the index of runs by status.
     */
    static final String DELETE = """
            WITH job AS (
                SELECT name, EXISTS (SELECT FROM job_runs WHERE job_name = $1
                                        AND status IN ('queued', 'running', 'paused')) AS active
                  FROM remote_jobs WHERE name = $1 FOR UPDATE
            ), deleted AS (
                DELETE FROM remote_jobs WHERE name = (SELECT name FROM job WHERE NOT active) RETURNING name
            )
            SELECT CASE WHEN active THEN 'active' ELSE 'deleted' END AS outcome,
                   CASE WHEN NOT active THEN pg_notify('jobstream_jobs', $1) END
              FROM job
            """;

    /** What a delete did. */
    public enum Deleted {
        DELETED, ACTIVE, NOT_FOUND
    }

    private final Pool pool;

    RemoteJobStore(Pool pool) {
        this.pool = pool;
    }

    /** Every job's definition (JSON), by name. */
    public Uni<Map<String, String>> all() {
        return pool.preparedQuery(ALL).execute().map(rows -> {
            Map<String, String> jobs = new LinkedHashMap<>();
            rows.forEach(row -> jobs.put(row.getString(0), row.getString(1)));
            return jobs;
        });
    }

    /** Stores the job's definition; true if the job is new. */
    public Uni<Boolean> put(String name, String definition, String by) {
        return pool.preparedQuery(PUT).execute(Tuple.of(name, definition, by))
                .map(rows -> rows.iterator().next().getBoolean("created"));
    }

    public Uni<Deleted> delete(String name) {
        return pool.preparedQuery(DELETE).execute(Tuple.of(name)).map(rows -> {
            if (rows.size() == 0) {
                return Deleted.NOT_FOUND;
            }
            return "active".equals(rows.iterator().next().getString("outcome")) ? Deleted.ACTIVE : Deleted.DELETED;
        });
    }
}
