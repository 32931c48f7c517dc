package dev.jobstream.run;

import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Singleton;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/** The SQL of control requests on {@code job_runs}: every state change is guarded by the states it comes from. */
@Singleton
public class RunControlRepository {

    /** Stores a request for the run's engine and tells every replica. */
    static final String REQUEST = """
            WITH requested AS (
                UPDATE job_runs SET control_requested = $2, controlled_by = $4, updated_at = now(),
                                    version = version + 1
                 WHERE id = $1 AND status = ANY($3)
                RETURNING *
            )
            SELECT requested.*, pg_notify('jobstream_control', requested.id::text) FROM requested
            """;

    /**
     * Ends the run as cancelled in the database at once, with its end_json event: for queued runs (no engine) and
     * for force-cancel (an engine that may hang; it is told, and its later writes are refused by their guard).
     */
    static final String CANCEL_NOW = """
            WITH cancelled AS (
                UPDATE job_runs
                   SET status = 'cancelled', finished_at = now(), updated_at = now(), control_requested = NULL,
                       controlled_by = $5, error_code = $3, last_seq = last_seq + 1, version = version + 1,
                       duration_ms = CASE WHEN started_at IS NULL THEN NULL
                                          ELSE (extract(epoch FROM now() - started_at) * 1000)::bigint END
                 WHERE id = $1 AND status = ANY($2)
                RETURNING *
            ), ended AS (
                INSERT INTO job_run_events (run_id, seq, event, data)
                SELECT id, last_seq, 'end_json',
                       jsonb_build_object('ok', false, 'state', 'cancelled', 'cancelled', true, 'error', NULL,
                                          'metrics', coalesce(metrics, '{}'::jsonb), 'duration_ms', duration_ms,
                                          'forced', $4::boolean, 'by', $5::text,
                                          'ts', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                  FROM cancelled
            )
            SELECT cancelled.*, pg_notify('jobstream_control', cancelled.id::text),
                   pg_notify('jobstream_events', '')
              FROM cancelled
            """;

    private final Pool pool;
    private final RunRepository runs;

    RunControlRepository(Pool pool, RunRepository runs) {
        this.pool = pool;
        this.runs = runs;
    }

    /** Stores {@code control}, requested by {@code by}, if the run is in one of {@code from}; empty otherwise. */
    public Uni<Optional<Run>> request(UUID id, Control control, String[] from, String by) {
        return pool.preparedQuery(REQUEST).execute(Tuple.of(id, control.value(), from, by)).map(this::first);
    }

    /** Cancels the run now, for {@code by}, if it is in one of {@code from}; empty otherwise. */
    public Uni<Optional<Run>> cancelNow(UUID id, String[] from, boolean forced, String by) {
        return pool.preparedQuery(CANCEL_NOW)
                .execute(Tuple.of(id, from, forced ? "force_cancelled" : null, forced, by)).map(this::first);
    }

    private Optional<Run> first(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(Run.from(rows.iterator().next(), runs.staleBefore()));
    }
}
