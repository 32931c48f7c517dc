package dev.jobstream.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Singleton;

import dev.jobstream.run.Run;
import dev.jobstream.run.RunStatus;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The engine's SQL on {@code job_runs} (claim, release, heartbeat) and its one write path: the flush that stores a
 * batch of events together with the run changes they report, guarded by owner and attempt (fencing).
 */
@Singleton
public class ExecutionRepository {

    static final String CLAIM_QUEUED = """
            UPDATE job_runs r
               SET status = 'running', owner = $1, started_at = now(), heartbeat_at = now(), updated_at = now(),
                   version = r.version + 1
              FROM (SELECT id FROM job_runs
                     WHERE status = 'queued' AND run_after <= now()
                     ORDER BY run_after, created_at
                     LIMIT $2
                       FOR UPDATE SKIP LOCKED) claimed
             WHERE r.id = claimed.id
            RETURNING r.*
            """;

    /** Gives a claimed run back to the queue (its exclusive key is still locked elsewhere). */
    static final String RELEASE_CLAIM = """
            UPDATE job_runs
               SET status = 'queued', owner = NULL, started_at = NULL, heartbeat_at = NULL,
                   run_after = now() + $3 * interval '1 millisecond', updated_at = now(), version = version + 1
             WHERE id = ANY($1) AND owner = $2 AND status = 'running'
            """;

    /** Refreshes the heartbeats; the rows returned are the runs still owned, with their control requests. */
    static final String HEARTBEAT = """
            UPDATE job_runs SET heartbeat_at = now()
             WHERE id = ANY($1) AND owner = $2 AND status = ANY($3)
            RETURNING id, control_requested
            """;

    /** The control requests of runs this replica still owns; a run not returned was ended or taken elsewhere. */
    static final String CONTROL_OF = """
            SELECT id, control_requested FROM job_runs
             WHERE id = ANY($1) AND owner = $2 AND status = ANY($3)
            """;

    /**
     * One flush: per run, its new last_seq, progress, error log, state (paused/running, clearing the control request
     * it carried out) and, when the engine stopped, its terminal state — or {@code queued} for a run interrupted by a
     * shutdown or a lost lock, which goes back to the queue as its next attempt; the events of those runs; a
     * JOB_FAILED error event for each run that failed; one NOTIFY on {@code jobstream_events} (see RunEventHub), and
     * one on the queued channel per requeued run. Rows this replica no longer owns (owner, attempt, executing state:
     * the fence) are left alone and their events dropped; the returned ids are the runs that were written.
     */
    static final String FLUSH = """
            WITH changes AS (
                SELECT * FROM unnest($2::uuid[], $3::integer[], $4::integer[], $5::bigint[], $6::bigint[],
                                     $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[],
                                     $17::text[])
                       AS c(id, attempt, last_seq, processed, total, error_log, status, metrics, error, error_code,
                            duration_ms, acknowledged)
            ), written AS (
                UPDATE job_runs r
                   SET last_seq = c.last_seq,
                       processed = coalesce(c.processed, r.processed),
                       total = coalesce(c.total, r.total),
                       error_log = coalesce(c.error_log::jsonb, r.error_log),
                       status = coalesce(c.status, r.status),
                       metrics = coalesce(c.metrics::jsonb, r.metrics),
                       error = coalesce(c.error, r.error),
                       error_code = coalesce(c.error_code, r.error_code),
                       duration_ms = coalesce(c.duration_ms, r.duration_ms),
                       finished_at = CASE WHEN c.status IN ('completed', 'failed', 'cancelled') THEN now()
                                          ELSE r.finished_at END,
                       control_requested = CASE WHEN c.status IN ('completed', 'failed', 'cancelled', 'queued')
                                                THEN NULL
                                                WHEN r.control_requested = c.acknowledged THEN NULL
                                                ELSE r.control_requested END,
                       owner = CASE WHEN c.status = 'queued' THEN NULL ELSE r.owner END,
                       attempt = CASE WHEN c.status = 'queued' THEN r.attempt + 1 ELSE r.attempt END,
                       started_at = CASE WHEN c.status = 'queued' THEN NULL ELSE r.started_at END,
                       heartbeat_at = CASE WHEN c.status = 'queued' THEN NULL ELSE r.heartbeat_at END,
                       run_after = CASE WHEN c.status = 'queued' THEN now() ELSE r.run_after END,
                       updated_at = now(),
                       version = r.version + 1
                  FROM changes c
                 WHERE r.id = c.id AND r.owner = $1 AND r.attempt = c.attempt AND r.status IN ('running', 'paused')
                RETURNING r.id, r.status, r.job_name, r.workspace_id, r.correlation_id, r.error, r.error_code,
                          r.attempt
            ), events AS (
                INSERT INTO job_run_events (run_id, seq, event, data)
                SELECT e.run_id, e.seq, e.event, e.data::jsonb
                  FROM unnest($13::uuid[], $14::integer[], $15::text[], $16::text[]) AS e(run_id, seq, event, data)
                 WHERE e.run_id IN (SELECT id FROM written)
            ), failures AS (
                INSERT INTO error_events (severity, kind, message, job_name, workspace_id, run_id, correlation_id,
                                          details)
                SELECT 'error', 'JOB_FAILED', left('Run of ' || w.job_name || ' failed: ' || coalesce(w.error, ''), 2000),
                       w.job_name, w.workspace_id, w.id, w.correlation_id,
                       jsonb_build_object('error_code', w.error_code, 'attempt', w.attempt)
                  FROM written w
                 WHERE w.status = 'failed'
            )
            SELECT w.id, pg_notify('jobstream_events', ''),
                   CASE WHEN w.status = 'queued' THEN pg_notify('jobstream_queued', '') END
              FROM written w
            """;

    /**
     * Puts runs whose engines did not stop in time (shutdown grace) back in the queue as their next attempt, with a
     * {@code state_json} event; guarded like a flush by owner, attempt and executing state.
     */
    static final String REQUEUE = """
            WITH owned AS (
                SELECT j.id, j.status AS previous
                  FROM job_runs j
                  JOIN unnest($2::uuid[], $3::integer[]) AS s(id, attempt) ON j.id = s.id AND j.attempt = s.attempt
                 WHERE j.owner = $1 AND j.status IN ('running', 'paused')
                   FOR UPDATE OF j
            ), requeued AS (
                UPDATE job_runs r
                   SET status = 'queued', owner = NULL, attempt = r.attempt + 1, started_at = NULL,
                       heartbeat_at = NULL, run_after = now(), control_requested = NULL, last_seq = r.last_seq + 1,
                       updated_at = now(), version = r.version + 1
                  FROM owned o
                 WHERE r.id = o.id
                RETURNING r.id, r.last_seq, r.attempt, o.previous
            ), events AS (
                INSERT INTO job_run_events (run_id, seq, event, data)
                SELECT id, last_seq, 'state_json',
                       jsonb_build_object('state', 'queued', 'previous', previous, 'reason', $4::text,
                                          'attempt', attempt, 'ts', now())
                  FROM requeued
            )
            SELECT id, pg_notify('jobstream_events', ''), pg_notify('jobstream_queued', '') FROM requeued
            """;

    private final Pool pool;

    ExecutionRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<List<Run>> claim(String owner, int limit) {
        return pool.preparedQuery(CLAIM_QUEUED).execute(Tuple.of(owner, limit)).map(rows -> {
            List<Run> runs = new ArrayList<>(rows.size());
            rows.forEach(row -> runs.add(Run.from(row, Instant.EPOCH)));
            return runs;
        });
    }

    public Uni<Integer> releaseClaims(List<UUID> ids, String owner, long delayMillis) {
        return pool.preparedQuery(RELEASE_CLAIM).execute(Tuple.of(ids.toArray(UUID[]::new), owner, delayMillis))
                .map(rows -> rows.rowCount());
    }

    /** Requeues the runs (ids with their attempts) still owned; returns how many. */
    public Uni<Integer> requeue(String owner, List<UUID> ids, List<Integer> attempts, String reason) {
        return pool.preparedQuery(REQUEUE)
                .execute(Tuple.of(owner, ids.toArray(UUID[]::new), attempts.toArray(Integer[]::new), reason))
                .map(rows -> rows.size());
    }

    /** Heartbeats the runs; the item maps each run still owned to its control request (null for none). */
    public Uni<Map<UUID, String>> heartbeat(List<UUID> ids, String owner) {
        return controls(HEARTBEAT, ids, owner);
    }

    /** The control requests of the runs still owned (null for none); runs not in the map were lost. */
    public Uni<Map<UUID, String>> controlsOf(List<UUID> ids, String owner) {
        return controls(CONTROL_OF, ids, owner);
    }

    private Uni<Map<UUID, String>> controls(String sql, List<UUID> ids, String owner) {
        return pool.preparedQuery(sql).execute(Tuple.of(ids.toArray(UUID[]::new), owner, RunStatus.EXECUTING))
                .map(rows -> {
                    Map<UUID, String> controls = new HashMap<>();
                    rows.forEach(row -> controls.put(row.getUUID("id"), row.getString("control_requested")));
                    return controls;
                });
    }

    /** Writes the batch in one statement; the result holds the ids of the runs this replica still owned. */
    public Uni<Set<UUID>> flush(String owner, List<RunBuffer.Pending> batch) {
        int runs = batch.size();
        UUID[] ids = new UUID[runs];
        Integer[] attempts = new Integer[runs];
        Integer[] lastSeqs = new Integer[runs];
        Long[] processed = new Long[runs];
        Long[] totals = new Long[runs];
        String[] errorLogs = new String[runs];
        String[] statuses = new String[runs];
        String[] acknowledged = new String[runs];
        String[] metrics = new String[runs];
        String[] errors = new String[runs];
        String[] errorCodes = new String[runs];
        Long[] durations = new Long[runs];
        int eventCount = batch.stream().mapToInt(p -> p.events().size()).sum();
        UUID[] eventRuns = new UUID[eventCount];
        Integer[] seqs = new Integer[eventCount];
        String[] names = new String[eventCount];
        String[] data = new String[eventCount];
        int e = 0;
        for (int i = 0; i < runs; i++) {
            RunBuffer.Pending p = batch.get(i);
            ids[i] = p.runId();
            attempts[i] = p.attempt();
            lastSeqs[i] = p.lastSeq();
            processed[i] = p.processed();
            totals[i] = p.total();
            errorLogs[i] = p.errorLog();
            acknowledged[i] = p.acknowledged();
            if (p.state() != null) {
                statuses[i] = p.state().value();
            }
            if (p.end() != null) {
                statuses[i] = p.end().status().value();
                metrics[i] = p.end().metrics();
                errors[i] = p.end().error();
                errorCodes[i] = p.end().errorCode();
                durations[i] = p.end().durationMs();
            }
            for (RunBuffer.EventRow event : p.events()) {
                eventRuns[e] = p.runId();
                seqs[e] = event.seq();
                names[e] = event.event();
                data[e] = event.data();
                e++;
            }
        }
        Tuple args = Tuple.tuple(List.of(owner, ids, attempts, lastSeqs, processed, totals, errorLogs, statuses,
                metrics, errors, errorCodes, durations, eventRuns, seqs, names, data, acknowledged));
        return pool.preparedQuery(FLUSH).execute(args).map(rows -> {
            Set<UUID> written = new HashSet<>();
            rows.forEach(row -> written.add(row.getUUID("id")));
            return written;
        });
    }
}
