package dev.jobstream.run.service;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

import jakarta.inject.Singleton;

import dev.jobstream.auth.Caller;
import dev.jobstream.concurrent.MicroBatcher;
import dev.jobstream.concurrent.Overloaded;
import dev.jobstream.config.JobstreamConfig;
import dev.jobstream.refusal.Conflict;
import dev.jobstream.refusal.Forbidden;
import dev.jobstream.refusal.Invalid;
import dev.jobstream.refusal.NotFound;
import dev.jobstream.refusal.Unavailable;
import dev.jobstream.run.NewRun;
import dev.jobstream.run.Run;
import dev.jobstream.run.RunIds;
import dev.jobstream.run.RunPage;
import dev.jobstream.run.RunQuery;
import dev.jobstream.run.RunStatus;
import dev.jobstream.run.TriggerOutcome;
import dev.jobstream.run.TriggerRequest;
import dev.jobstream.run.store.RunStore;
import dev.jobstream.spi.JobHandler;
import dev.jobstream.spi.JobLimits;
import dev.jobstream.spi.Workspaces;
import dev.jobstream.webhook.Delivery;
import dev.jobstream.webhook.WebhookService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;

/** Triggering, reading and deleting runs. */
@Singleton
public class RunService {

    /** The workspace of runs triggered without one. */
    public static final UUID GLOBAL_WORKSPACE = Workspaces.GLOBAL;
    /** How far in the past a {@code run_at} may be (clocks differ a little); the run is then due at once. */
    static final Duration RUN_AT_SKEW = Duration.ofMinutes(1);
    public static final UUID SYSTEM_WORKSPACE = Workspaces.SYSTEM;
    /** Most runs in one batch trigger, and in one micro-batched INSERT. */
    public static final int MAX_BATCH = 1000;
    private static final Duration POLL = Duration.ofMillis(500);

    private final Duration maxDelay;
    private final JobRegistry jobs;
    private final RunStore store;
    private final RunWaiters waiters;
    private final RunMetrics metrics;
    private final MicroBatcher<NewRun, TriggerOutcome> triggers;
    private final WebhookService webhooks;

    RunService(JobRegistry jobs, RunStore store, RunWaiters waiters, RunMetrics metrics, JobstreamConfig config,
            WebhookService webhooks) {
        this.webhooks = webhooks;
        this.jobs = jobs;
        this.store = store;
        this.waiters = waiters;
        this.metrics = metrics;
        this.triggers = new MicroBatcher<>(MAX_BATCH, config.triggers().maxWaiting(), store::insertAll);
        this.maxDelay = config.triggers().maxDelay();
    }

    /**
     * Validates a trigger of {@code jobName} by {@code caller} and gives the run to insert; not found for an unknown
     * job, invalid input, forbidden for a workspace outside the caller's, or for a system job and a caller limited to
     * workspaces; {@code fromService}: the service triggers it itself (the self-test), which may name an internal job;
     * {@code traceparent}: the trigger's trace context, stored on the run (well-formed, or null).
     */
    public NewRun prepare(String jobName, TriggerRequest request, Caller caller, String correlationId,
            String traceparent, boolean fromService) {
        JobHandler job = jobs.require(jobName, fromService);
        JsonObject params = jobs.resolveParams(job, request.params());
        String key = request.idempotencyKey();
        if (key != null && (key.isEmpty() || key.length() > 200 || key.indexOf('\u0000') >= 0)) {
            throw new Invalid("'idempotency_key' must have 1 to 200 characters, none of them NUL");
        }
        UUID workspace = workspace(job, request.workspaceId(), caller);
        if (!caller.sees(workspace)) {
            throw new Forbidden("Token '" + caller.name() + "' may not trigger runs in workspace "
                    + workspace);
        }
        String webhook = request.webhook() != null
                ? WebhookService.name("webhook", request.webhook())
                : job.webhook().orElse(null);
        NewRun.DependsOn dependsOn = dependsOn(request, caller);
        Instant runAfter = runAfter(request, Instant.now());
        if (dependsOn != null && (request.runAt() != null || request.delay() != null)) {
            throw new Invalid("'depends_on' excludes 'run_at' and 'delay': the run is due when its dependencies end");
        }
        return new NewRun(RunIds.next(), job.name(), workspace, job.exclusive(),
                Boolean.TRUE.equals(request.dryRun()), params, maxAttempts(job, request.maxAttempts()), caller.name(),
                correlationId, key, runAfter, priority(job, request.priority()),
                timeoutMillis(job, request.timeout()), null, traceparent, limitKey(job, workspace, params), webhook,
                dependsOn);
    }

    /**
     * The runs a trigger's {@code depends_on} names (distinct ids, at most {@link TriggerRequest#MAX_DEPENDS_ON}) and
     * its policy; null when it names none. Whether they exist, and in a workspace the caller sees, is checked as the
     * run is inserted.
     */
    static NewRun.DependsOn dependsOn(TriggerRequest request, Caller caller) {
        String policy = request.onDependencyFailure();
        if (policy != null && !List.of("fail", "cancel", "run").contains(policy)) {
            throw new Invalid("'on_dependency_failure' must be fail, cancel or run; got " + policy);
        }
        if (request.dependsOn() == null || request.dependsOn().isEmpty()) {
            if (policy != null) {
                throw new Invalid("'on_dependency_failure' needs 'depends_on'");
            }
            return null;
        }
        if (request.dependsOn().size() > TriggerRequest.MAX_DEPENDS_ON) {
            throw new Invalid("'depends_on' names at most " + TriggerRequest.MAX_DEPENDS_ON + " runs; got "
                    + request.dependsOn().size());
        }
        java.util.LinkedHashSet<UUID> runs = new java.util.LinkedHashSet<>();
        for (int i = 0; i < request.dependsOn().size(); i++) {
            runs.add(dev.jobstream.refusal.Fields.uuid("depends_on[" + i + "]", request.dependsOn().get(i)));
        }
        return new NewRun.DependsOn(List.copyOf(runs), policy == null ? "fail" : policy,
                caller.scoped() ? caller.workspaces() : null);
    }

    /** The key the job's limits count a run by; invalid if the params' value is too long to be one. */
    static String limitKey(JobHandler job, UUID workspace, JsonObject params) {
        try {
            return job.limits().keyOf(workspace, params);
        } catch (IllegalArgumentException e) {
            throw new Invalid(e.getMessage());
        }
    }

    /**
     * Checks that the webhooks triggers named are registered (one read, and none when no trigger named one); a run
     * that calls its job's webhook is not checked: the job's was when the job was registered, and one deleted since
     * fails the run's delivery, never the trigger.
     */
    private Uni<Void> checkWebhooks(List<NewRun> runs) {
        List<String> named = runs.stream().filter(run -> run.webhook() != null)
                .filter(run -> !jobs.find(run.job()).flatMap(JobHandler::webhook).equals(Optional.of(run.webhook())))
                .map(NewRun::webhook).distinct().toList();
        return named.isEmpty() ? Uni.createFrom().voidItem() : webhooks.requireRegistered("webhook", named);
    }

    /** The deliveries of a run's ends to its webhook, if {@code caller} may see the run; not found otherwise. */
    public Uni<RunDeliveries> deliveries(UUID id, Caller caller) {
        return get(id, caller).flatMap(run -> webhooks.deliveries(id)
                .map(deliveries -> new RunDeliveries(run.id(), run.webhook(), deliveries)));
    }

    /** {@code GET /v1/runs/{id}/deliveries}: the webhook the run calls (null: none), and its deliveries. */
    public record RunDeliveries(UUID runId, String webhook, List<Delivery> deliveries) {
    }

    /** The shortest timeout a trigger may give. */
    public static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
    /** The longest timeout of an attempt, given by a trigger or declared by a job: a week. */
    public static final Duration MAX_TIMEOUT = Duration.ofDays(7);

    /** The trigger's priority, or the job's; invalid out of range. */
    public static int priority(JobHandler job, Integer asked) {
        int priority = asked != null ? asked : job.priority();
        if (priority < TriggerRequest.MIN_PRIORITY || priority > TriggerRequest.MAX_PRIORITY) {
            throw new Invalid(
                    "'priority' must be from " + TriggerRequest.MIN_PRIORITY + " to " + TriggerRequest.MAX_PRIORITY
                            + " (higher runs first): " + priority);
        }
        return priority;
    }

    /** The trigger's max_attempts, at most the job's; the job's when not given. */
    static int maxAttempts(JobHandler job, Integer asked) {
        int most = job.retry().maxAttempts();
        if (asked == null) {
            return most;
        }
        if (asked < 1 || asked > most) {
            throw new Invalid("'max_attempts' must be from 1 to " + most + " (the retry policy of job '"
                    + job.name() + "'): " + asked);
        }
        return asked;
    }

    /**
     * The trigger's timeout (at least {@link #MIN_TIMEOUT}, at most the job's and {@link #MAX_TIMEOUT}), or the job's;
     * null: no limit.
     */
    static Long timeoutMillis(JobHandler job, String asked) {
        Duration own = job.timeout().orElse(null);
        if (asked == null) {
            return own == null ? null : own.toMillis();
        }
        Duration timeout;
        try {
            timeout = dev.jobstream.spi.JobParam.parseDuration(asked);
        } catch (IllegalArgumentException e) {
            throw new Invalid("'timeout' must be a duration from 1s to 7d, such as 30s, 15m, 2h or PT30M");
        }
        if (timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new Invalid("'timeout' must be from " + MIN_TIMEOUT.toSeconds() + "s to "
                    + MAX_TIMEOUT.toDays() + "d: " + asked);
        }
        if (own != null && timeout.compareTo(own) > 0) {
            throw new Invalid("'timeout' may shorten the timeout of job '" + job.name() + "' ("
                    + own.toSeconds() + "s), not lengthen it: " + asked);
        }
        return timeout.toMillis();
    }

    /**
     * When a run asked for later is due: {@code run_at} (an ISO-8601 instant, at most {@link #RUN_AT_SKEW} in the past)
     * or {@code delay} (a duration), not both, not beyond {@code jobstream.triggers.max-delay}; null: now.
     */
    Instant runAfter(TriggerRequest request, Instant now) {
        if (request.runAt() != null && request.delay() != null) {
            throw new Invalid("'run_at' and 'delay' exclude each other: give one");
        }
        Instant at;
        if (request.runAt() != null) {
            try {
                at = java.time.OffsetDateTime.parse(request.runAt()).toInstant();
            } catch (java.time.format.DateTimeParseException e) {
                throw new Invalid("'run_at' must be an ISO-8601 instant with an offset, e.g. "
                        + "2026-12-01T08:00:00Z");
            }
            if (at.isBefore(now.minus(RUN_AT_SKEW))) {
                throw new Invalid("'run_at' " + request.runAt() + " is in the past");
            }
        } else if (request.delay() != null) {
            Duration delay;
            try {
                delay = dev.jobstream.spi.JobParam.parseDuration(request.delay());
            } catch (IllegalArgumentException e) {
                throw new Invalid("'delay' must be a duration such as 90s, 15m, 2h, 1d or PT30M");
            }
            // compared before it is added: a delay of centuries would move the instant out of range
            at = delay.compareTo(maxDelay) > 0 ? Instant.MAX : now.plus(delay);
        } else {
            return null;
        }
        Duration horizon = maxDelay;
        if (at.isAfter(now.plus(horizon))) {
            throw new Invalid("'" + (request.runAt() != null ? "run_at" : "delay")
                    + "' is more than " + horizon.toDays() + " days ahead (jobstream.triggers.max-delay)");
        }
        return at.isAfter(now) ? at : null;
    }

    /**
     * The run of a schedule's tick: the schedule's params over the job's defaults, the job's retry policy and
     * timeout; its idempotency key names the schedule and the tick; its webhook is the schedule's ({@code webhook}),
     * else the job's. Invalid if the params no longer suit the job.
     */
    public NewRun tickRun(JobHandler job, UUID scheduleId, UUID workspace, Map<String, Object> params, int priority,
            Instant tick, String webhook) {
        JsonObject resolved = jobs.resolveParams(job, params);
        return new NewRun(RunIds.next(), job.name(), workspace, job.exclusive(), false, resolved,
                job.retry().maxAttempts(), "schedule", null, "schedule:" + scheduleId + ":" + tick, null, priority,
                timeoutMillis(job, null), scheduleId, null, limitKey(job, workspace, resolved),
                webhook != null ? webhook : job.webhook().orElse(null), null);
    }

    /**
     * Inserts the runs of schedule ticks on {@code client}, the transaction that advanced their schedules; a tick
     * whose exclusive slot is taken is recorded as a {@code skipped} run.
     */
    public Uni<Map<UUID, RunStatus>> insertTicks(SqlClient client, List<NewRun> runs, List<Instant> ticks) {
        return store.insertTicks(client, runs, ticks).invoke(inserted -> runs.forEach(run -> {
            RunStatus status = inserted.get(run.id());
            if (status != null) {
                metrics.ticked(run.job(), status);
            }
            if (status == RunStatus.QUEUED) {
                metrics.triggered(run.job());
            }
        }));
    }

    /** The job a caller outside the service may name (not found for an unknown or internal one). */
    public JobHandler job(String name) {
        return jobs.require(name, false);
    }

    /** The jobs of this replica. */
    public java.util.Collection<JobHandler> jobs() {
        return jobs.all();
    }

    /** The names of the jobs a caller outside the service may name: built in and executed by workers. */
    public String[] publicJobNames() {
        return java.util.stream.Stream.concat(jobs.all().stream().filter(job -> !job.internal()),
                jobs.remote().stream()).map(JobHandler::name).toArray(String[]::new);
    }

    /** {@code given} params checked against the job's and merged over its defaults (invalid naming a bad one). */
    public JsonObject params(JobHandler job, Map<String, Object> given) {
        return jobs.resolveParams(job, given);
    }

    /**
     * The workspace of a new run (or schedule) of {@code job}: the system workspace for a system job (forbidden for a
     * caller limited to workspaces), the one asked for (or global) otherwise.
     */
    public static UUID workspace(JobHandler job, UUID asked, Caller caller) {
        if (job.system()) {
            if (caller.scoped()) {
                throw new Forbidden("Job '" + job.name() + "' acts on every workspace; token '"
                        + caller.name() + "' is limited to workspaces and may not trigger it");
            }
            if (asked != null && !asked.equals(SYSTEM_WORKSPACE)) {
                throw new Invalid("Job '" + job.name() + "' acts on every workspace and its runs are "
                        + "recorded in the system workspace " + SYSTEM_WORKSPACE + "; leave 'workspace_id' out");
            }
            return SYSTEM_WORKSPACE;
        }
        if (SYSTEM_WORKSPACE.equals(asked)) {
            throw new Invalid("Workspace " + SYSTEM_WORKSPACE + " is reserved for the runs of system jobs");
        }
        return asked == null ? GLOBAL_WORKSPACE : asked;
    }

    /**
     * Inserts one run; concurrent triggers share one statement and one commit. A conflict whose active run ended
     * before it could be named is tried once more.
     */
    public Uni<TriggerOutcome> trigger(NewRun run) {
        if (run.dependsOn() != null) {
            return checkWebhooks(List.of(run)).flatMap(v -> store.insertDependent(run)).invoke(this::count);
        }
        OptionalInt most = keyPlaces(run);
        if (most.isPresent()) {
            return checkWebhooks(List.of(run)).flatMap(v -> store.insertWithinKeyLimit(run, most.getAsInt()))
                    .invoke(this::count);
        }
        return checkWebhooks(List.of(run)).flatMap(v -> triggers.submit(run)).onFailure(Overloaded.class)
                .transform(e -> new Unavailable(
                        "Too many triggers are waiting for the database; retry in a second", Duration.ofSeconds(1)))
                .flatMap(outcome -> {
                    if (outcome instanceof TriggerOutcome.AlreadyRunning conflict && conflict.activeRunId() == null) {
                        return triggers.submit(run);
                    }
                    return Uni.createFrom().item(outcome);
                }).invoke(this::count);
    }

    /**
     * The places of the run's key if its job refuses a run while they are all taken (checked one run at a time,
     * serialized per key across replicas); empty for any other run.
     */
    private OptionalInt keyPlaces(NewRun run) {
        if (run.limitKey() == null) {
            return OptionalInt.empty();
        }
        JobLimits limits = jobs.find(run.job()).map(JobHandler::limits).orElse(JobLimits.NONE);
        return limits.refusesWhenKeyBusy() ? OptionalInt.of(limits.maxActivePerKey()) : OptionalInt.empty();
    }

    /**
     * Triggers a run that acts on the runs of its workspace, or of every workspace ({@code everyWorkspace}; it is
     * recorded in the system workspace), unless an active run of its job acts on some of the same runs.
     */
    public Uni<TriggerOutcome> triggerUnlessOverlapping(NewRun run, boolean everyWorkspace) {
        return store.insertUnlessOverlapping(run, everyWorkspace).invoke(this::count);
    }

    /** Inserts the runs in one statement; outcomes in input order. */
    public Uni<List<TriggerOutcome>> triggerAll(List<NewRun> runs) {
        if (runs.stream().anyMatch(run -> run.dependsOn() != null)) {
            // runs that wait for others go one at a time, each in its own transaction, in order
            Uni<List<TriggerOutcome>> all = Uni.createFrom().item(new java.util.ArrayList<>());
            for (NewRun run : runs) {
                all = all.flatMap(done -> trigger(run).map(outcome -> {
                    done.add(outcome);
                    return done;
                }));
            }
            return all;
        }
        if (runs.stream().noneMatch(run -> keyPlaces(run).isPresent())) {
            return checkWebhooks(runs).flatMap(v -> store.insertAll(runs))
                    .invoke(outcomes -> outcomes.forEach(this::count));
        }
        // the runs whose key's places are counted go one at a time, after the others
        List<NewRun> together = runs.stream().filter(run -> keyPlaces(run).isEmpty()).toList();
        Uni<Map<NewRun, TriggerOutcome>> outcomes = checkWebhooks(runs).flatMap(v -> together.isEmpty()
                ? Uni.createFrom().item(List.<TriggerOutcome>of())
                : store.insertAll(together)).map(inserted -> {
                    Map<NewRun, TriggerOutcome> byRun = new java.util.IdentityHashMap<>();
                    for (int i = 0; i < together.size(); i++) {
                        byRun.put(together.get(i), inserted.get(i));
                    }
                    return byRun;
                });
        for (NewRun run : runs) {
            OptionalInt most = keyPlaces(run);
            if (most.isPresent()) {
                outcomes = outcomes.flatMap(byRun -> store.insertWithinKeyLimit(run, most.getAsInt())
                        .map(outcome -> {
                            byRun.put(run, outcome);
                            return byRun;
                        }));
            }
        }
        return outcomes.map(byRun -> runs.stream().map(byRun::get).toList())
                .invoke(all -> all.forEach(this::count));
    }

    private void count(TriggerOutcome outcome) {
        if (outcome instanceof TriggerOutcome.Created created) {
            metrics.triggered(created.run().job());
        }
    }

    public Uni<Run> get(UUID id) {
        return store.findById(id)
                .map(run -> run.orElseThrow(() -> new NotFound("Run " + id + " not found")));
    }

    /** The run if {@code caller} may see its workspace; otherwise not found, as if it did not exist. */
    public Uni<Run> get(UUID id, Caller caller) {
        return get(id).map(run -> {
            if (!caller.sees(run.workspaceId())) {
                throw new NotFound("Run " + id + " not found");
            }
            return run;
        });
    }

    /**
     * A run as {@code GET /v1/runs/{id}} shows it: a due queued run that a rate limit keeps waiting is shown
     * {@code throttled}, with when it may start.
     */
    public Uni<Run> show(UUID id, Caller caller) {
        return get(id, caller).flatMap(store::withFlow).flatMap(run -> {
            JobLimits limits = jobs.find(run.job()).map(JobHandler::limits).orElse(JobLimits.NONE);
            boolean rated = limits.rate() != null || limits.ratePerKey() != null && run.limitKey() != null;
            if (run.status() != RunStatus.QUEUED || !"queued".equals(run.displayStatus()) || !rated) {
                return Uni.createFrom().item(run);
            }
            return store.throttledUntil(run.job(), run.limitKey(), limits.rate(),
                    run.limitKey() == null ? null : limits.ratePerKey())
                    .map(until -> until.map(run::throttled).orElse(run));
        });
    }

    /** Checks first, for a scoped caller, that the run is in one of its workspaces (not found otherwise). */
    public Uni<Void> checkVisible(UUID id, Caller caller) {
        return caller.scoped() ? get(id, caller).replaceWithVoid() : Uni.createFrom().voidItem();
    }

    public Uni<RunPage> list(RunQuery query) {
        return store.list(query).map(runs -> RunPage.of(runs, query.limit()));
    }

    /** The display status of each run of these ids that exists. */
    public Uni<Map<UUID, String>> displayStatuses(java.util.Collection<UUID> ids) {
        return store.findByIds(ids).map(found -> {
            Map<UUID, String> statuses = new java.util.HashMap<>();
            found.forEach(run -> statuses.put(run.id(), run.displayStatus()));
            return statuses;
        });
    }

    /** How many runs {@code query} selects from its cursor on, whatever its limit. */
    public Uni<Long> count(RunQuery query) {
        return store.count(query);
    }

    /** The run once it has ended, or as it is when {@code timeout} has passed. */
    public Uni<Run> awaitEnd(UUID id, Duration timeout) {
        return awaitEnd(id, Instant.now().plus(timeout));
    }

    private Uni<Run> awaitEnd(UUID id, Instant deadline) {
        return get(id).flatMap(run -> {
            Duration left = Duration.between(Instant.now(), deadline);
            if (run.status().isTerminal() || left.isNegative() || left.isZero()) {
                return Uni.createFrom().item(run);
            }
            Duration wait = left.compareTo(POLL) < 0 ? left : POLL;
            return waiters.signalOrTimeout(id, wait).flatMap(v -> awaitEnd(id, deadline));
        });
    }

    /** Deletes a terminal run and its events; a conflict while active, not found if absent. */
    public Uni<Void> delete(UUID id) {
        return store.deleteRun(id).flatMap(deleted -> {
            if (deleted) {
                return Uni.createFrom().voidItem();
            }
            return get(id).map(run -> {
                throw new Conflict("Cannot delete active run " + id + " (status " + run.status().value()
                        + "); cancel it first");
            });
        });
    }
}
