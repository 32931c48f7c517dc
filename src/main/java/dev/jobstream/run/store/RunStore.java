package dev.jobstream.run.store;

import static dev.jobstream.run.store.RunSql.*;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Singleton;

import dev.jobstream.config.JobstreamConfig;
import dev.jobstream.pg.PgErrors;
import dev.jobstream.run.ClaimLimits;
import dev.jobstream.run.Control;
import dev.jobstream.run.NewRun;
import dev.jobstream.run.Run;
import dev.jobstream.run.RunFlush;
import dev.jobstream.run.RunLifecycle;
import dev.jobstream.run.RunQuery;
import dev.jobstream.run.RunStatus;
import dev.jobstream.run.RunVersion;
import dev.jobstream.run.TriggerOutcome;
import dev.jobstream.spi.RateLimit;
import dev.jobstream.spi.Workspaces;
import dev.jobstream.stream.RunEvent;
import dev.jobstream.stream.RunEventStore;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The one home of {@code job_runs}: it runs the statements of {@link RunSql} and nothing else touches the table.
 * Triggers, reads and lists for the API; claims, heartbeats and flushes for engines; control requests; the
 * sweeper's stale runs and retention; the live feed's changes; the queue depth.
 */
@Singleton
public class RunStore implements RunEventStore {

    /** One run an interruption ended or put aside: its job and what it became. */
    public record Interrupted(UUID id, String job, RunStatus status) {
    }

    private final Pool pool;
    private final JobstreamConfig config;

    public RunStore(Pool pool, JobstreamConfig config) {
        this.pool = pool;
        this.config = config;
    }

    // ---- trigger, read, list, delete ----

    /** Inserts the runs in one statement and one commit; the outcomes come in input order. */
    public Uni<List<TriggerOutcome>> insertAll(List<NewRun> runs) {
        // in the order of the unique indexes' keys, so that two batches holding the same keys wait for each other
        // rather than deadlock; a deadlock that happens all the same (rolled back whole) is sent again
        List<NewRun> ordered = new ArrayList<>(runs);
        ordered.sort(INDEX_ORDER);
        return insertAll(pool, ordered)
                .onFailure(PgErrors::isTransient).retry().atMost(INSERT_RETRIES)
                .map(outcomes -> inInputOrder(runs, ordered, outcomes));
    }

    /** The keys of the unique indexes on runs: (job, workspace) for exclusive runs, then the idempotency key. */
    private static final Comparator<NewRun> INDEX_ORDER = Comparator.comparing(NewRun::job)
            .thenComparing(NewRun::workspaceId)
            .thenComparing(NewRun::idempotencyKey, Comparator.nullsFirst(Comparator.naturalOrder()));
    /** How often an insert rolled back by a deadlock is sent again. */
    static final int INSERT_RETRIES = 3;

    private static List<TriggerOutcome> inInputOrder(List<NewRun> runs, List<NewRun> ordered,
            List<TriggerOutcome> outcomes) {
        Map<NewRun, TriggerOutcome> byRun = new java.util.IdentityHashMap<>();
        for (int i = 0; i < ordered.size(); i++) {
            byRun.put(ordered.get(i), outcomes.get(i));
        }
        return runs.stream().map(byRun::get).toList();
    }

    private Uni<List<TriggerOutcome>> insertAll(SqlClient client, List<NewRun> runs) {
        List<Object> columns = columns(runs);
        columns.add(runs.stream().map(NewRun::traceparent).toArray(String[]::new));
        String jobs = String.join(",", runs.stream().map(NewRun::job).distinct().toList());
        columns.add(jobs.length() <= 7000 ? jobs : "");
        columns.add(webhooks(runs));
        Tuple args = Tuple.tuple(columns);
        return client.preparedQuery(INSERT_RUNS).execute(args)
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

    /**
     * Inserts a run that acts on the runs of a workspace ({@code everyWorkspace}: of all of them), unless an active
     * run of its job acts on the same runs: one of the same workspace, one of every workspace, or — for one of every
     * workspace — any. The inserts of the job are serialized across replicas ({@link RunSql#LOCK_LIMITED_JOB}), so two
     * that overlap never both start; the conflict names the active run.
     */
    public Uni<TriggerOutcome> insertUnlessOverlapping(NewRun run, boolean everyWorkspace) {
        return pool.withTransaction(connection -> connection.preparedQuery(LOCK_LIMITED_JOB)
                .execute(Tuple.of(run.job()))
                .flatMap(locked -> connection.preparedQuery(ACTIVE_OVERLAPPING)
                        .execute(Tuple.of(run.job(), everyWorkspace ? null : run.workspaceId(), Workspaces.SYSTEM)))
                .flatMap(active -> active.size() > 0
                        ? Uni.createFrom().item(new TriggerOutcome.AlreadyRunning(run.job(), run.workspaceId(),
                                active.iterator().next().getUUID("id")))
                        : insertAll(connection, List.of(run)).map(outcomes -> outcomes.get(0))));
    }

    /**
     * When a queued run of {@code job} with {@code key} may start, if its job's rate limit {@code rate} or its key's
     * {@code perKey} (either may be null) has no start left now; empty otherwise.
     */
    public Uni<Optional<Instant>> throttledUntil(String job, String key, RateLimit rate, RateLimit perKey) {
        Tuple args = Tuple.tuple(Arrays.asList(job, rate == null ? null : rate.limit(),
                rate == null ? null : rate.window().toMillis(), key, perKey == null ? null : perKey.limit(),
                perKey == null ? null : perKey.window().toMillis()));
        return pool.preparedQuery(THROTTLED_UNTIL).execute(args)
                .map(rows -> Optional.ofNullable(RunRows.instant(rows.iterator().next(), "until")));
    }

    /**
     * Inserts a run unless its key already has {@code most} active runs (queued, running or paused), which the refusal
     * names. The inserts of the key are serialized across replicas ({@link RunSql#LOCK_KEY}), so that together they
     * never exceed it.
     */
    public Uni<TriggerOutcome> insertWithinKeyLimit(NewRun run, int most) {
        return pool.withTransaction(connection -> connection.preparedQuery(LOCK_KEY)
                .execute(Tuple.of(run.job(), run.limitKey()))
                .flatMap(locked -> connection.preparedQuery(ACTIVE_OF_KEY)
                        .execute(Tuple.of(run.job(), run.limitKey(), most)))
                .flatMap(active -> {
                    if (active.size() >= most) {
                        List<UUID> holders = new ArrayList<>();
                        active.forEach(row -> holders.add(row.getUUID("id")));
                        return Uni.createFrom().item(
                                new TriggerOutcome.KeyBusy(run.job(), run.limitKey(), most, holders));
                    }
                    return insertAll(connection, List.of(run)).map(outcomes -> outcomes.get(0));
                }));
    }

    /**
     * Inserts the runs of schedule ticks ({@code ticks}: each run's tick) on {@code client} (the transaction that
     * advanced their schedules); a tick whose exclusive slot is taken becomes a {@code skipped} run. The item maps
     * each run inserted to its status.
     */
    public Uni<Map<UUID, RunStatus>> insertTicks(SqlClient client, List<NewRun> runs, List<Instant> ticks) {
        List<Object> args = columns(runs);
        args.add(ticks.stream().map(RunStore::utc).toArray(OffsetDateTime[]::new));
        args.add(webhooks(runs));
        return client.preparedQuery(INSERT_TICKS).execute(Tuple.tuple(args)).map(rows -> {
            Map<UUID, RunStatus> inserted = new HashMap<>();
            rows.forEach(row -> inserted.put(row.getUUID("id"), RunStatus.of(row.getString("status"))));
            return inserted;
        });
    }

    /** The webhook of each run (null: none). */
    private static String[] webhooks(List<NewRun> runs) {
        return runs.stream().map(NewRun::webhook).toArray(String[]::new);
    }

    /** The columns of {@link RunSql#INSERT_RUNS} ({@code $1}…{@code $15}): one array each. */
    private static List<Object> columns(List<NewRun> runs) {
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
        OffsetDateTime[] runAfter = new OffsetDateTime[n];
        Short[] priorities = new Short[n];
        Long[] timeouts = new Long[n];
        UUID[] schedules = new UUID[n];
        String[] limitKeys = new String[n];
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
            runAfter[i] = run.runAfter() == null ? null : utc(run.runAfter());
            priorities[i] = (short) run.priority();
            timeouts[i] = run.timeoutMs();
            schedules[i] = run.scheduleId();
            limitKeys[i] = run.limitKey();
        }
        return new ArrayList<>(List.of(ids, jobs, workspaces, exclusive, dryRun, params, maxAttempts, triggeredBy,
                correlation, idempotency, runAfter, priorities, timeouts, schedules, limitKeys));
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

    /** The runs of these ids that exist, in no order. */
    public Uni<List<Run>> findByIds(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return pool.preparedQuery(FIND_BY_IDS).execute(Tuple.of(ids.toArray(UUID[]::new))).map(this::toRuns);
    }

    public Uni<Optional<Run>> findById(UUID id) {
        return pool.preparedQuery(FIND_BY_ID).execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.<Run>empty() : Optional.of(toRun(rows.iterator().next())));
    }

    /**
     * Up to {@code limit} events of the run after sequence number {@code after}: its stored events and the lifecycle
     * events read from its row ({@link RunLifecycle}), merged in order, from one snapshot.
     */
    @Override
    public Uni<List<RunEvent>> after(UUID runId, int after, int limit) {
        return pool.preparedQuery(EVENTS_AFTER).execute(Tuple.of(runId, after, limit)).map(rows -> {
            if (rows.size() == 0) {
                return List.<RunEvent>of();
            }
            Row row = rows.iterator().next();
            List<RunEvent> stored = new ArrayList<>();
            Integer[] seqs = row.getArrayOfIntegers("seqs");
            if (seqs != null) {
                String[] names = row.getArrayOfStrings("events");
                String[] data = row.getArrayOfStrings("data");
                OffsetDateTime[] created = row.getArrayOfOffsetDateTimes("created");
                for (int i = 0; i < seqs.length; i++) {
                    stored.add(RunEvent.of(runId, seqs[i], names[i], data[i], created[i].toInstant()));
                }
            }
            JsonObject metrics = row.getJsonObject("metrics");
            JsonArray attempts = row.getJsonArray("attempts");
            RunLifecycle.Row run = new RunLifecycle.Row(runId, row.getString("job_name"), row.getUUID("workspace_id"),
                    row.getBoolean("dry_run"), RunStatus.of(row.getString("status")), row.getInteger("attempt"),
                    row.getInteger("max_attempts"), RunRows.instant(row, "started_at"),
                    RunRows.instant(row, "finished_at"), RunRows.instant(row, "updated_at"),
                    row.getInteger("start_seq"), row.getInteger("end_seq"), metrics, row.getString("error"),
                    row.getString("error_code"), row.getLong("duration_ms"), attempts);
            return RunLifecycle.merge(stored, RunLifecycle.after(run, after), limit);
        });
    }

    /** The predicates of the indexes a list without a status reads and merges. */
    private static final String RUNNING = "status = 'running'";
    private static final String NOT_RUNNING = "status <> 'running'";

    /** The list query of {@code GET /v1/runs} and its arguments. */
    record ListStatement(String sql, Tuple args) {
    }

    /** Newest runs first, keyset-paged on (created_at, id); fetches one row more than asked to know if more exist. */
    public Uni<List<Run>> list(RunQuery query) {
        ListStatement list = listStatement(query, staleBefore());
        return pool.preparedQuery(list.sql()).execute(list.args()).map(this::toRuns);
    }

    /**
     * The SQL of {@link #list}: the filters given, newest first, one row more than the limit. Running runs are read in
     * {@code job_runs_running_idx} and no other list index holds them (a claim writes no entry there): without a
     * status, the runs that are not running and those that are are each read newest first and merged. A status other
     * than completed is read in {@code job_runs_status_created_idx} (the job, workspaces and dry_run checked in the
     * index), stale runs in {@code job_runs_executing_heartbeat_idx}, the others in the indexes by creation. A token's
     * workspaces are each read newest first (a page of each at most) and merged: as one list of
     * {@code workspace_id = ANY(…)} they were read in the newest runs of every workspace until a page of theirs came.
     */
    static ListStatement listStatement(RunQuery query, Instant staleBefore) {
        Filter filter = Filter.of(query, staleBefore, true);
        String limit = filter.arg(query.limit() + 1);
        String order = " ORDER BY created_at DESC, id DESC LIMIT " + limit;
        String sql;
        if (query.stale() || query.status() != null) {
            sql = "SELECT " + RunRows.COLUMNS + " FROM job_runs" + filter.where(null) + order;
        } else {
            sql = "SELECT " + RunRows.columns("u") + " FROM ((SELECT " + RunRows.COLUMNS + " FROM job_runs"
                    + filter.where(NOT_RUNNING) + order + ") UNION ALL (SELECT " + RunRows.COLUMNS + " FROM job_runs"
                    + filter.where(RUNNING) + order + ")) u" + order;
        }
        if (filter.scope() != null) {
            sql = "SELECT " + RunRows.columns("r") + " FROM unnest(" + filter.scope()
                    + "::uuid[]) AS scope(workspace_id)"
                    + " CROSS JOIN LATERAL (" + sql + ") r ORDER BY r.created_at DESC, r.id DESC LIMIT " + limit;
        }
        return new ListStatement(sql, Tuple.tuple(filter.args()));
    }

    /** The count of {@link #count}: the list's conditions, a token's workspaces as one {@code ANY(…)}. */
    static ListStatement countStatement(RunQuery query, Instant staleBefore) {
        Filter filter = Filter.of(query, staleBefore, false);
        return new ListStatement("SELECT count(*) FROM job_runs" + filter.where(), Tuple.tuple(filter.args()));
    }

    /**
     * The conditions of a run query and their arguments; {@code lateral}: a token's workspaces are joined as
     * {@code scope.workspace_id} (its placeholder in {@link #scope}), else matched with {@code ANY(…)}.
     */
    private record Filter(List<String> conditions, List<Object> args, String scope) {

        static Filter of(RunQuery query, Instant staleBefore, boolean lateral) {
            Filter filter = new Filter(new ArrayList<>(), new ArrayList<>(), null);
            if (query.job() != null) {
                filter.conditions.add("job_name = " + filter.arg(query.job()));
            }
            if (query.workspaceId() != null) {
                filter.conditions.add("workspace_id = " + filter.arg(query.workspaceId()));
            }
            String scope = null;
            if (query.scope() != null && (query.workspaceId() != null || !lateral)) {
                filter.conditions.add("workspace_id = ANY(" + filter.arg(query.scope().toArray(UUID[]::new)) + ")");
            } else if (query.scope() != null) {
                scope = filter.arg(query.scope().toArray(UUID[]::new));
                filter.conditions.add("workspace_id = scope.workspace_id");
            }
            if (query.stale()) {
                filter.conditions.add("status IN ('running', 'paused') AND heartbeat_at < "
                        + filter.arg(utc(staleBefore)));
            } else if (query.status() != null) {
                filter.conditions.add("status = " + filter.arg(query.status().value()));
            }
            if (query.dryRun() != null) {
                filter.conditions.add("dry_run = " + filter.arg(query.dryRun()));
            }
            if (query.cursor() != null) {
                filter.conditions.add("(created_at, id) < (" + filter.arg(utc(query.cursor().createdAt())) + ", "
                        + filter.arg(query.cursor().id()) + ")");
            }
            return new Filter(filter.conditions, filter.args, scope);
        }

        /** Adds an argument; answers its placeholder. */
        String arg(Object value) {
            args.add(value);
            return "$" + args.size();
        }

        String where() {
            return where(null);
        }

        /** The conditions and, unless null, {@code index}: the predicate of the partial index to read. */
        String where(String index) {
            List<String> all = new ArrayList<>(conditions);
            if (index != null) {
                all.add(index);
            }
            return all.isEmpty() ? "" : " WHERE " + String.join(" AND ", all);
        }
    }

    /**
     * How many runs {@code query} selects, whatever its limit, from its cursor on: counted in the index its list reads
     * (the status index holds the job and workspace too).
     */
    public Uni<Long> count(RunQuery query) {
        ListStatement count = countStatement(query, staleBefore());
        return pool.preparedQuery(count.sql()).execute(count.args()).map(rows -> rows.iterator().next().getLong(0));
    }

    /** Deletes a terminal run, or a scheduled one not due yet, and its events; false if absent or active. */
    public Uni<Boolean> deleteRun(UUID id) {
        return pool.preparedQuery(DELETE_RUN).execute(Tuple.of(id, RunStatus.TERMINAL))
                .map(rows -> rows.iterator().next().getLong(0) == 1);
    }

    public Instant staleBefore() {
        return Instant.now().minus(config.staleAfter());
    }

    private Run toRun(Row row) {
        return RunRows.from(row, staleBefore());
    }

    private List<Run> toRuns(RowSet<Row> rows) {
        return RunRows.all(rows, staleBefore(), true);
    }

    private Map<UUID, Run> byId(RowSet<Row> rows) {
        Map<UUID, Run> runs = new HashMap<>();
        toRuns(rows).forEach(r -> runs.put(r.id(), r));
        return runs;
    }

    static java.time.OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    // ---- control requests ----

    /** Stores {@code control}, requested by {@code by}, if the run is in one of {@code from}; empty otherwise. */
    public Uni<Optional<Run>> request(UUID id, Control control, String[] from, String by) {
        return pool.preparedQuery(REQUEST_CONTROL).execute(Tuple.of(id, control.value(), from, by)).map(this::first);
    }

    /** Resumes a parked run (paused without an engine) as queued, for {@code by}; empty if it is not one. */
    public Uni<Optional<Run>> resumeParked(UUID id, String by) {
        return pool.preparedQuery(RESUME_PARKED).execute(Tuple.of(id, by)).map(this::first);
    }

    /**
     * Cancels the run now, for {@code by}, if it is in one of {@code from} or parked (paused without an engine);
     * empty otherwise.
     */
    public Uni<Optional<Run>> cancelNow(UUID id, String[] from, boolean forced, String by) {
        return pool.preparedQuery(CANCEL_NOW)
                .execute(Tuple.of(new UUID[]{id}, from, forced ? "force_cancelled" : null, forced, by))
                .map(this::first);
    }

    /** Cancels those of the runs {@code ids} that are in {@code from}, in one statement; answers them. */
    public Uni<List<Run>> cancelAll(List<UUID> ids, String[] from, String by) {
        return pool.preparedQuery(CANCEL_NOW)
                .execute(Tuple.of(ids.toArray(UUID[]::new), from, null, false, by)).map(this::toRuns);
    }

    /**
     * Puts a failed or cancelled run back in the queue as a new attempt, for {@code by}; empty if it is neither. Fails
     * with a unique violation ({@link dev.jobstream.pg.PgErrors#isUniqueViolation}) when another run took its
     * exclusive slot.
     */
    public Uni<Optional<Run>> retry(UUID id, String by) {
        return pool.preparedQuery(RETRY).execute(Tuple.of(new UUID[]{id}, by)).map(this::first);
    }

    /**
     * Retries those of the runs {@code ids} that are failed or cancelled, in one statement; answers them. The runs
     * must not be exclusive: one that is may hit the exclusive index, which fails them all ({@link #retry} them).
     */
    public Uni<List<Run>> retryAll(List<UUID> ids, String by) {
        return pool.preparedQuery(RETRY).execute(Tuple.of(ids.toArray(UUID[]::new), by)).map(this::toRuns);
    }

    private Optional<Run> first(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(toRun(rows.iterator().next()));
    }

    // ---- engines: claim, heartbeat, flush, requeue ----

    /** Claims up to {@code limit} due queued runs of the {@code jobs} this replica knows, oldest first. */
    public Uni<List<Run>> claim(String owner, int limit, String[] jobs) {
        return pool.preparedQuery(CLAIM_QUEUED).execute(Tuple.of(owner, limit, jobs)).map(RunRows::claimed);
    }

    /** {@link #claim} for a worker: of the workspaces given only (null: every workspace). */
    public Uni<List<Run>> claim(String owner, int limit, String[] jobs, Set<UUID> workspaces) {
        return pool.preparedQuery(CLAIM_QUEUED_OF).execute(Tuple.of(owner, limit, jobs, uuids(workspaces)))
                .map(RunRows::claimed);
    }

    /**
     * Claims up to {@code limit} due runs of {@code job} within its {@code limits} — active at once, starts per window,
     * per key — as if the time were {@code at} (null: the database's now; tests give their own clock), for a worker of
     * {@code workspaces} only (null: every workspace). The claims of the job are serialized across replicas (a
     * transaction-scoped advisory lock), so that together they never exceed its limits; the starts a rate limit counts
     * are recorded in the same transaction.
     */
    public Uni<List<Run>> claimLimited(String owner, int limit, String job, ClaimLimits limits, Set<UUID> workspaces,
            Instant at) {
        List<Object> args = new ArrayList<>(Arrays.asList(owner, limit, job, limits.maxActive(),
                limits.rate() == null ? null : limits.rate().limit(),
                limits.rate() == null ? null : limits.rate().window().toMillis(),
                limits.ratePerKey() == null ? null : limits.ratePerKey().limit(),
                limits.ratePerKey() == null ? null : limits.ratePerKey().window().toMillis(),
                limits.maxActivePerKey(), at == null ? null : utc(at)));
        String sql = CLAIM_LIMITED;
        if (workspaces != null) {
            args.add(uuids(workspaces));
            sql = CLAIM_LIMITED_OF;
        }
        Tuple tuple = Tuple.tuple(args);
        String statement = sql;
        return pool.withTransaction(connection -> connection.preparedQuery(LOCK_LIMITED_JOB).execute(Tuple.of(job))
                .flatMap(locked -> connection.preparedQuery(statement).execute(tuple)))
                .map(RunRows::claimed);
    }

    private static UUID[] uuids(Set<UUID> ids) {
        return ids == null ? null : ids.toArray(UUID[]::new);
    }

    /**
     * What a worker's report left: the run's status, control request and last sequence number, and whether the report
     * was stored (false: a repeat of one stored before), and whether the attempt ran past its timeout.
     */
    public record Reported(RunStatus status, String control, int lastSeq, boolean stored, boolean timedOut) {
    }

    /**
     * Stores a worker's report under its lease (owner, attempt); empty when the lease is no longer the run's. See
     * {@link RunSql#REPORT}.
     */
    public Uni<Optional<Reported>> report(UUID id, String owner, int attempt, int number, List<RunFlush.Event> events,
            Long processed, Long total, String errorLog, RunStatus state, int maxEvents) {
        return pool.preparedQuery(REPORT).execute(Tuple.tuple(List.of(id, owner, attempt, number,
                events.stream().map(RunFlush.Event::event).toArray(String[]::new),
                events.stream().map(RunFlush.Event::data).toArray(String[]::new))).addValue(processed).addValue(total)
                .addValue(errorLog).addValue(state == null ? null : state.value()).addValue(maxEvents))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row row = rows.iterator().next();
                    return Optional.of(new Reported(RunStatus.of(row.getString("status")),
                            row.getString("control_requested"), row.getInteger("last_seq"),
                            row.getBoolean("stored"), row.getBoolean("timed_out")));
                });
    }

    public Uni<Integer> releaseClaims(List<UUID> ids, String owner, long delayMillis) {
        return pool.preparedQuery(RELEASE_CLAIM).execute(Tuple.of(ids.toArray(UUID[]::new), owner, delayMillis))
                .map(rows -> rows.size());
    }

    /**
     * Gives back runs claimed and started for a worker that went away before it heard of them (ids with their
     * attempts, and the worker's owner name): each goes back to the queue as the same attempt, unless the worker has
     * reported on it. Answers how many went back.
     */
    public Uni<Integer> unclaim(List<UUID> ids, List<Integer> attempts, String owner) {
        return pool.preparedQuery(UNCLAIM)
                .execute(Tuple.of(ids.toArray(UUID[]::new), attempts.toArray(Integer[]::new), owner))
                .map(rows -> rows.size());
    }

    /**
     * Interrupts the attempts (ids with their attempts) this owner still holds, for {@code reason}: each run is
     * cancelled (a cancel was asked), parked (it was paused, or a pause was asked) or queued as its next attempt.
     */
    public Uni<List<Interrupted>> interrupt(String owner, List<UUID> ids, List<Integer> attempts, String reason) {
        return pool.preparedQuery(INTERRUPT_OWNED)
                .execute(Tuple.of(owner, ids.toArray(UUID[]::new), attempts.toArray(Integer[]::new), reason))
                .map(RunStore::interrupted);
    }

    private static List<Interrupted> interrupted(RowSet<Row> rows) {
        List<Interrupted> runs = new ArrayList<>(rows.size());
        rows.forEach(row -> runs.add(new Interrupted(row.getUUID("id"), row.getString("job_name"),
                RunStatus.of(row.getString("status")))));
        return runs;
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
    public Uni<Set<UUID>> flush(String owner, List<RunFlush> batch) {
        return flush(pool, owner, batch);
    }

    private static Uni<Set<UUID>> flush(SqlClient client, String owner, List<RunFlush> batch) {
        return client.preparedQuery(FLUSH).execute(flushArgs(owner, batch)).map(rows -> {
            Set<UUID> written = new HashSet<>();
            rows.forEach(row -> written.add(row.getUUID("id")));
            return written;
        });
    }

    /**
     * {@link #flush} of ends built from a read of their runs that another write may have moved on since — a worker's
     * report stored while its end was on the way: in one transaction the runs are locked and each end's events
     * numbered after the run's last one as stored then ({@link RunFlush#after}), so no end event collides with one
     * stored before it and is lost.
     */
    public Uni<Set<UUID>> flushAfterLast(String owner, List<RunFlush> batch) {
        UUID[] ids = batch.stream().map(RunFlush::runId).toArray(UUID[]::new);
        return pool.withTransaction(connection -> connection.preparedQuery(LOCK_LAST_SEQ).execute(Tuple.of(ids))
                .flatMap(rows -> {
                    Map<UUID, Integer> last = new HashMap<>();
                    rows.forEach(row -> last.put(row.getUUID("id"), row.getInteger("last_seq")));
                    List<RunFlush> numbered = batch.stream()
                            .filter(f -> last.containsKey(f.runId()))
                            .map(f -> f.after(last.get(f.runId())))
                            .toList();
                    return numbered.isEmpty()
                            ? Uni.createFrom().item(Set.<UUID>of())
                            : flush(connection, owner, numbered);
                }));
    }

    /** The arguments of {@link RunSql#FLUSH}: one array per column, the events' in arrays of their own. */
    static Tuple flushArgs(String owner, List<RunFlush> batch) {
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
        Long[] retryIn = new Long[runs];
        Boolean[] snoozed = new Boolean[runs];
        int eventCount = batch.stream().mapToInt(p -> p.events().size()).sum();
        UUID[] eventRuns = new UUID[eventCount];
        Integer[] seqs = new Integer[eventCount];
        String[] names = new String[eventCount];
        String[] data = new String[eventCount];
        int e = 0;
        for (int i = 0; i < runs; i++) {
            RunFlush p = batch.get(i);
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
                retryIn[i] = p.end().retryInMs();
                snoozed[i] = p.end().snoozed();
            } else {
                snoozed[i] = false;
            }
            for (RunFlush.Event event : p.events()) {
                eventRuns[e] = p.runId();
                seqs[e] = event.seq();
                names[e] = event.event();
                data[e] = event.data();
                e++;
            }
        }
        return Tuple.tuple(List.of(owner, ids, attempts, lastSeqs, processed, totals, errorLogs, statuses, metrics,
                errors, errorCodes, durations, eventRuns, seqs, names, data, acknowledged, retryIn, snoozed));
    }

    // ---- sweeper: stale runs, retention ----

    /**
     * Interrupts up to {@code limit} stale attempts (heartbeat older than {@code staleAfter} at {@code at}; null: the
     * database's now): cancelled, parked, requeued or failed as their state and attempts say.
     */
    public Uni<List<Interrupted>> sweepStale(Instant at, Duration staleAfter, int limit) {
        Tuple args = Tuple.of(at == null ? null : utc(at), staleAfter.toMillis(), limit);
        return pool.preparedQuery(INTERRUPT_STALE).execute(args).map(RunStore::interrupted);
    }

    /**
     * Workers' attempts overdue at {@code at} (null: the database's now), {@code limit} at most: running past their
     * timeout and {@code grace}, or paused without a report for {@code pauseHold}. See {@link RunSql#WORKER_OVERDUE}.
     */
    public Uni<List<Run>> overdueWorkerRuns(Instant at, Duration grace, Duration pauseHold, int limit) {
        return pool.preparedQuery(WORKER_OVERDUE)
                .execute(Tuple.of(at == null ? null : utc(at), grace.toMillis(), pauseHold.toMillis(), limit))
                .map(this::toRuns);
    }

    /** Deletes up to {@code limit} of the starts rate limits counted before {@code before}. */
    public Uni<Integer> deleteStartsBefore(Instant before, int limit) {
        return pool.preparedQuery(DELETE_OLD_STARTS).execute(Tuple.of(utc(before), limit))
                .map(rows -> rows.iterator().next().getLong(0).intValue());
    }

    public Uni<Integer> deleteExpired(Instant endedBefore, int limit) {
        return pool.preparedQuery(DELETE_EXPIRED).execute(Tuple.of(utc(endedBefore), limit))
                .map(rows -> rows.iterator().next().getLong(0).intValue());
    }

    // ---- live feed and queue depth ----

    /** Up to {@code limit} runs changed after the cursor ({@code updatedAt}, {@code id}), in that order. */
    public Uni<List<RunVersion>> changedAfter(Instant updatedAt, UUID id, int limit) {
        return pool.preparedQuery(CHANGED_AFTER).execute(Tuple.of(utc(updatedAt), id, limit)).map(RunStore::versions);
    }

    /** Up to {@code limit} runs last changed at exactly {@code updatedAt}, after {@code id}, by id. */
    public Uni<List<RunVersion>> changedAt(Instant updatedAt, UUID id, int limit) {
        return pool.preparedQuery(CHANGED_AT).execute(Tuple.of(utc(updatedAt), id, limit)).map(RunStore::versions);
    }

    private static List<RunVersion> versions(RowSet<Row> rows) {
        List<RunVersion> versions = new ArrayList<>(rows.size());
        rows.forEach(row -> versions.add(RunRows.version(row)));
        return versions;
    }

    /** Active runs by what they wait for (see {@link RunSql#ACTIVE_COUNTS}), of the workspaces given (null: all). */
    public record ActiveCounts(long queued, long retrying, long scheduled, long running, long paused, long stale,
            Long oldestQueuedMillis) {
    }

    public Uni<ActiveCounts> activeCounts(Set<UUID> workspaces) {
        return pool.preparedQuery(ACTIVE_COUNTS)
                .execute(Tuple.of(workspaces == null ? null : workspaces.toArray(UUID[]::new), utc(staleBefore())))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    OffsetDateTime oldest = row.getOffsetDateTime(6);
                    Long waiting = oldest == null
                            ? null
                            : Math.max(0, Duration.between(oldest, row.getOffsetDateTime(7)).toMillis());
                    long later = row.getLong(2);
                    long retrying = row.getLong(1);
                    return new ActiveCounts(row.getLong(0), retrying, later - retrying, row.getLong(3), row.getLong(4),
                            row.getLong(5), waiting);
                });
    }

    /** The runs a replica executes: running, and paused on its engines. */
    public record Executing(long running, long paused) {
    }

    /** The runs executing now by the replica that owns them, of the workspaces given (null: all). */
    public Uni<Map<String, Executing>> executingByOwner(Set<UUID> workspaces) {
        return pool.preparedQuery(EXECUTING_BY_OWNER)
                .execute(Tuple.of(workspaces == null ? null : workspaces.toArray(UUID[]::new))).map(rows -> {
                    Map<String, Executing> byOwner = new HashMap<>();
                    rows.forEach(row -> byOwner.put(row.getString(0), new Executing(row.getLong(1), row.getLong(2))));
                    return byOwner;
                });
    }

    /** Queued runs counted up to a limit, and how long the oldest due one among them has been due. */
    public record QueueSample(long queued, double oldestDueSeconds) {
    }

    /** See {@link RunSql#QUEUE_DEPTH}. */
    public Uni<QueueSample> queueDepth(int limit) {
        return pool.preparedQuery(QUEUE_DEPTH).execute(Tuple.of(limit)).map(rows -> {
            Row row = rows.iterator().next();
            return new QueueSample(row.getLong(0), row.getNumeric(1).doubleValue());
        });
    }

    /** Queued runs, counted up to {@code limit}. */
    public Uni<Long> countQueued(int limit) {
        return pool.preparedQuery(COUNT_QUEUED).execute(Tuple.of(limit)).map(rows -> rows.iterator().next().getLong(0));
    }

    // ---- flows ----

    /**
     * Inserts a run that waits for the runs it depends on, in one transaction: they are marked depended on and locked
     * ({@link RunSql#LOCK_DEPENDENCIES}; each must exist in a workspace the trigger's caller sees, else the trigger is
     * invalid, the same for a run that is not there and one the caller may not see), the run is inserted waiting with
     * its edges ({@link RunSql#INSERT_DEPENDENT}), then settled ({@link RunSql#SETTLE}: due at once if they have all
     * ended). A deadlock with another transaction (rolled back whole) is tried again.
     */
    public Uni<TriggerOutcome> insertDependent(NewRun run) {
        NewRun.DependsOn dependsOn = run.dependsOn();
        UUID[] dependencies = dependsOn.runs().toArray(UUID[]::new);
        Uni<Optional<Run>> inserted = pool.withTransaction(connection -> connection.preparedQuery(LOCK_DEPENDENCIES)
                .execute(Tuple.of(dependencies))
                .flatMap(found -> {
                    Map<UUID, UUID> workspaces = new HashMap<>();
                    found.forEach(row -> workspaces.put(row.getUUID("id"), row.getUUID("workspace_id")));
                    for (int i = 0; i < dependencies.length; i++) {
                        UUID workspace = workspaces.get(dependencies[i]);
                        if (workspace == null
                                || dependsOn.visible() != null && !dependsOn.visible().contains(workspace)) {
                            throw new dev.jobstream.refusal.Invalid(
                                    "'depends_on[" + i + "]': no run " + dependencies[i]);
                        }
                    }
                    Tuple args = Tuple.tuple(Arrays.asList(run.id(), run.job(), run.workspaceId(), run.exclusive(),
                            run.dryRun(), run.params().encode(), run.maxAttempts(), run.triggeredBy(),
                            run.correlationId(), run.idempotencyKey(), run.priority(), run.timeoutMs(),
                            run.limitKey(), run.traceparent(), run.webhook(), dependsOn.onFailure(), dependencies));
                    return connection.preparedQuery(INSERT_DEPENDENT).execute(args);
                })
                .flatMap(rows -> rows.size() == 0
                        ? Uni.createFrom().item(Optional.<Run>empty())
                        : connection.preparedQuery(SETTLE).execute(Tuple.of((Object) new UUID[]{run.id()}))
                                .flatMap(settled -> connection.preparedQuery(FIND_BY_ID).execute(Tuple.of(run.id())))
                                .map(again -> Optional.of(RunRows.from(again.iterator().next(), staleBefore())))))
                .onFailure(PgErrors::isTransient).retry().atMost(INSERT_RETRIES);
        return inserted.flatMap(created -> created.isPresent()
                ? Uni.createFrom().item(new TriggerOutcome.Created(created.get()))
                : findConflicting(List.of(run)).map(conflicts -> outcomes(List.of(run), Map.of(), conflicts).get(0)));
    }

    /**
     * Inserts {@code child} as a child of the run {@code parent}, held by {@code owner} as {@code attempt}, in its
     * workspace ({@link RunSql#INSERT_CHILD}); its idempotency key names the parent, so the same key again answers the
     * child made before. Empty when the lease no longer holds the parent.
     */
    public Uni<Optional<TriggerOutcome>> insertChild(UUID parent, String owner, int attempt, NewRun child) {
        Tuple args = Tuple.tuple(Arrays.asList(child.id(), child.job(), child.exclusive(), child.dryRun(),
                child.params().encode(), child.maxAttempts(), child.triggeredBy(), child.correlationId(),
                child.idempotencyKey(), child.priority(), child.timeoutMs(), child.limitKey(), child.traceparent(),
                child.webhook(), parent, owner, attempt, child.job()));
        return pool.preparedQuery(INSERT_CHILD).execute(args).flatMap(rows -> {
            Row row = rows.iterator().next();
            if (!row.getBoolean("held")) {
                return Uni.createFrom().item(Optional.<TriggerOutcome>empty());
            }
            if (row.getUUID("id") != null) {
                return Uni.createFrom().item(Optional.<TriggerOutcome>of(
                        new TriggerOutcome.Created(RunRows.from(row, staleBefore()))));
            }
            NewRun placed = new NewRun(child.id(), child.job(), row.getUUID("parent_workspace"), child.exclusive(),
                    child.dryRun(), child.params(), child.maxAttempts(), child.triggeredBy(), child.correlationId(),
                    child.idempotencyKey(), null, child.priority(), child.timeoutMs(), null, child.traceparent(),
                    child.limitKey(), child.webhook(), null);
            return findConflicting(List.of(placed))
                    .map(conflicts -> Optional.of(outcomes(List.of(placed), Map.of(), conflicts).get(0)));
        });
    }

    /** What {@link #addWaits} found: whether the lease held the run, and how many of the runs to wait for exist. */
    public record Waits(boolean held, long found) {
    }

    /**
     * Records that the run {@code id}, held by {@code owner} as {@code attempt}, waits for {@code runs} of its
     * workspace ({@link RunSql#ADD_WAITS}); the flush that ends its attempt as a wait follows, then
     * {@link #settle}.
     */
    public Uni<Waits> addWaits(UUID id, String owner, int attempt, List<UUID> runs) {
        return pool.preparedQuery(ADD_WAITS).execute(Tuple.of(id, owner, attempt, runs.toArray(UUID[]::new)))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new Waits(row.getBoolean("held"), row.getLong("found"));
                });
    }

    /** Settles the waiting runs {@code ids} ({@link RunSql#SETTLE}); answers how many it changed. */
    public Uni<Integer> settle(Collection<UUID> ids) {
        return pool.preparedQuery(SETTLE).execute(Tuple.of((Object) ids.toArray(UUID[]::new)))
                .map(rows -> rows.iterator().next().getInteger("settled"));
    }

    /** Settles up to {@code limit} waiting runs whose wait is over ({@link RunSql#SETTLE_STUCK}). */
    public Uni<Integer> settleStuck(int limit) {
        return pool.preparedQuery(SETTLE_STUCK).execute(Tuple.of(limit))
                .map(rows -> rows.iterator().next().getInteger("settled"));
    }

    /** The runs {@code id} waits or waited for, as they are now, in the order they were made. */
    public Uni<List<dev.jobstream.spi.Dependency>> dependencies(UUID id) {
        return pool.preparedQuery(DEPENDENCIES_OF).execute(Tuple.of(id)).map(rows -> {
            List<dev.jobstream.spi.Dependency> dependencies = new ArrayList<>();
            for (Row row : rows) {
                JsonObject metrics = row.getJsonObject("metrics");
                dependencies.add(new dev.jobstream.spi.Dependency(row.getUUID("run_id"), row.getString("job_name"),
                        row.getString("status"), metrics == null ? null : metrics.getMap(), row.getString("error"),
                        row.getString("error_code")));
            }
            return dependencies;
        });
    }

    /** Most children {@code GET /v1/runs/{id}} names. */
    public static final int MAX_CHILDREN_SHOWN = 100;

    /**
     * The run with its flow: the runs it waits or waited for, and its first {@value #MAX_CHILDREN_SHOWN} children —
     * each read only when the run's flags say it has any.
     */
    public Uni<Run> withFlow(Run run) {
        Uni<List<UUID>> dependencies = run.hasDependencies()
                ? dependencies(run.id()).map(all -> all.stream().map(dev.jobstream.spi.Dependency::runId).toList())
                : Uni.createFrom().item(List.of());
        return dependencies.flatMap(waits -> (run.hasChildren()
                ? pool.preparedQuery(CHILDREN_OF).execute(Tuple.of(run.id(), MAX_CHILDREN_SHOWN)).map(rows -> {
                    List<UUID> children = new ArrayList<>();
                    rows.forEach(row -> children.add(row.getUUID("id")));
                    return children;
                })
                : Uni.createFrom().item(List.<UUID>of())).map(children -> run.withFlow(waits, children)));
    }
}
