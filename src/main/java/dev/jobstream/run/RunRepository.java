package dev.jobstream.run;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import jakarta.inject.Singleton;

import dev.jobstream.config.JobstreamConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/** The SQL of the run API on {@code job_runs}: trigger, read, list, delete. The engine's SQL is in the engine. */
@Singleton
public class RunRepository {

    /** Channel that wakes dispatchers when runs are queued. */
    public static final String QUEUED_CHANNEL = "jobstream_queued";

    /** Inserts many runs in one statement; a run that hits a unique index (exclusive slot, idempotency key) is skipped. */
    static final String INSERT_RUNS = """
            WITH inserted AS (
                INSERT INTO job_runs (id, job_name, workspace_id, exclusive, dry_run, params, max_attempts,
                                      triggered_by, correlation_id, idempotency_key)
                SELECT id, job_name, workspace_id, exclusive, dry_run, params::jsonb, max_attempts,
                       triggered_by, correlation_id, idempotency_key
                  FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::boolean[], $5::boolean[], $6::text[],
                              $7::integer[], $8::text[], $9::text[], $10::text[])
                       AS n(id, job_name, workspace_id, exclusive, dry_run, params, max_attempts,
                            triggered_by, correlation_id, idempotency_key)
                ON CONFLICT DO NOTHING
                RETURNING *
            )
            SELECT inserted.*, pg_notify('jobstream_queued', '') FROM inserted
            """;

    /** The runs that made inserts of the given (job, workspace, idempotency key) triples conflict. */
    static final String FIND_CONFLICTING = """
            SELECT r.* FROM job_runs r
              JOIN unnest($1::text[], $2::uuid[], $3::text[]) AS c(job_name, workspace_id, idempotency_key)
                ON r.job_name = c.job_name AND r.workspace_id = c.workspace_id
             WHERE (c.idempotency_key IS NOT NULL AND r.idempotency_key = c.idempotency_key)
                OR (r.exclusive AND r.status = ANY($4))
            """;

    static final String FIND_BY_ID = "SELECT * FROM job_runs WHERE id = $1";

    static final String DELETE_TERMINAL = "DELETE FROM job_runs WHERE id = $1 AND status = ANY($2)";

    private final Pool pool;
    private final JobstreamConfig config;

    RunRepository(Pool pool, JobstreamConfig config) {
        this.pool = pool;
        this.config = config;
    }

    /** Inserts the runs in one statement and one commit; the outcomes come in input order. */
    public Uni<List<TriggerOutcome>> insertAll(List<NewRun> runs) {
        int n = runs.size();
        UUID[] ids = new UUID[n];
        String[] jobs = new String[n];
        UUID[] workspaces = new UUID[n];
        Boolean[] exclusive = new Boolean[n];
        Boolean[] dryRun = new Boolean[n];
        String[] params = new String[n];
        Integer[] maxAttempts = new Integer[n];
        String[] triggeredBy = new String[n];
        String[] correlation = new String[n];
        String[] idempotency = new String[n];
        for (int i = 0; i < n; i++) {
            NewRun run = runs.get(i);
            ids[i] = run.id();
            jobs[i] = run.job();
            workspaces[i] = run.workspaceId();
            exclusive[i] = run.exclusive();
            dryRun[i] = run.dryRun();
            params[i] = run.params().encode();
            maxAttempts[i] = run.maxAttempts();
            triggeredBy[i] = run.triggeredBy();
            correlation[i] = run.correlationId();
            idempotency[i] = run.idempotencyKey();
        }
        Tuple args = Tuple.tuple(List.of(ids, jobs, workspaces, exclusive, dryRun, params, maxAttempts, triggeredBy,
                correlation, idempotency));
        return pool.preparedQuery(INSERT_RUNS).execute(args)
                .flatMap(rows -> {
                    Map<UUID, Run> inserted = byId(rows);
                    List<NewRun> skipped = runs.stream().filter(r -> !inserted.containsKey(r.id())).toList();
                    if (skipped.isEmpty()) {
                        return Uni.createFrom().item(runs.stream()
                                .<TriggerOutcome>map(r -> new TriggerOutcome.Created(inserted.get(r.id())))
                                .toList());
                    }
                    return findConflicting(skipped).map(conflicts -> outcomes(runs, inserted, conflicts));
                });
    }

    private Uni<List<Run>> findConflicting(List<NewRun> skipped) {
        String[] jobs = skipped.stream().map(NewRun::job).toArray(String[]::new);
        UUID[] workspaces = skipped.stream().map(NewRun::workspaceId).toArray(UUID[]::new);
        String[] keys = skipped.stream().map(NewRun::idempotencyKey).toArray(String[]::new);
        return pool.preparedQuery(FIND_CONFLICTING).execute(Tuple.of(jobs, workspaces, keys, RunStatus.ACTIVE))
                .map(rows -> List.copyOf(byId(rows).values()));
    }

    private static List<TriggerOutcome> outcomes(List<NewRun> runs, Map<UUID, Run> inserted, List<Run> conflicts) {
        List<TriggerOutcome> outcomes = new ArrayList<>(runs.size());
        for (NewRun run : runs) {
            Run created = inserted.get(run.id());
            if (created != null) {
                outcomes.add(new TriggerOutcome.Created(created));
                continue;
            }
            Optional<Run> sameKey = conflicts.stream()
                    .filter(c -> run.idempotencyKey() != null && sameSlot(c, run)
                            && run.idempotencyKey().equals(c.idempotencyKey()))
                    .findFirst();
            if (sameKey.isPresent()) {
                outcomes.add(new TriggerOutcome.Existing(sameKey.get()));
                continue;
            }
            UUID active = conflicts.stream()
                    .filter(c -> sameSlot(c, run) && c.exclusive() && c.status().isActive())
                    .map(Run::id).findFirst().orElse(null);
            outcomes.add(new TriggerOutcome.AlreadyRunning(run.job(), run.workspaceId(), active));
        }
        return outcomes;
    }

    private static boolean sameSlot(Run existing, NewRun run) {
        return existing.job().equals(run.job()) && existing.workspaceId().equals(run.workspaceId());
    }

    public Uni<Optional<Run>> findById(UUID id) {
        return pool.preparedQuery(FIND_BY_ID).execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.<Run>empty() : Optional.of(toRun(rows.iterator().next())));
    }

    /** Newest runs first, keyset-paged on (created_at, id); fetches one row more than asked to know if more exist. */
    public Uni<List<Run>> list(RunQuery query) {
        List<String> conditions = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        Function<Object, String> arg = value -> {
            args.add(value);
            return "$" + args.size();
        };
        if (query.job() != null) {
            conditions.add("job_name = " + arg.apply(query.job()));
        }
        if (query.workspaceId() != null) {
            conditions.add("workspace_id = " + arg.apply(query.workspaceId()));
        }
        if (query.scope() != null) {
            conditions.add("workspace_id = ANY(" + arg.apply(query.scope().toArray(UUID[]::new)) + ")");
        }
        if (query.stale()) {
            conditions.add("status IN ('running', 'paused') AND heartbeat_at < " + arg.apply(utc(staleBefore())));
        } else if (query.status() != null) {
            conditions.add("status = " + arg.apply(query.status().value()));
        }
        if (query.dryRun() != null) {
            conditions.add("dry_run = " + arg.apply(query.dryRun()));
        }
        if (query.cursor() != null) {
            conditions.add("(created_at, id) < (" + arg.apply(utc(query.cursor().createdAt())) + ", "
                    + arg.apply(query.cursor().id()) + ")");
        }
        String sql = "SELECT * FROM job_runs"
                + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions))
                + " ORDER BY created_at DESC, id DESC LIMIT " + arg.apply(query.limit() + 1);
        return pool.preparedQuery(sql).execute(Tuple.tuple(args)).map(this::toRuns);
    }

    /** Deletes a terminal run (its events go with it); false if the run is absent or still active. */
    public Uni<Boolean> deleteTerminal(UUID id) {
        return pool.preparedQuery(DELETE_TERMINAL).execute(Tuple.of(id, RunStatus.TERMINAL))
                .map(rows -> rows.rowCount() == 1);
    }

    public Instant staleBefore() {
        return Instant.now().minus(config.staleAfter());
    }

    private Run toRun(Row row) {
        return Run.from(row, staleBefore());
    }

    private List<Run> toRuns(RowSet<Row> rows) {
        Instant staleBefore = staleBefore();
        List<Run> runs = new ArrayList<>(rows.size());
        rows.forEach(row -> runs.add(Run.from(row, staleBefore)));
        return runs;
    }

    private Map<UUID, Run> byId(RowSet<Row> rows) {
        Map<UUID, Run> runs = new HashMap<>();
        toRuns(rows).forEach(r -> runs.put(r.id(), r));
        return runs;
    }

    static java.time.OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
