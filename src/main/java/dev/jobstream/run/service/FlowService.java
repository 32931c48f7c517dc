package dev.jobstream.run.service;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Singleton;

import dev.jobstream.refusal.Invalid;
import dev.jobstream.run.NewRun;
import dev.jobstream.run.Run;
import dev.jobstream.run.RunIds;
import dev.jobstream.run.TriggerOutcome;
import dev.jobstream.run.store.RunStore;
import dev.jobstream.spi.Dependency;
import dev.jobstream.spi.JobHandler;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;

/**
 * What an executing run does in a flow, for engines and workers alike: trigger a child under its lease, record that
 * it waits for runs before its attempt ends as a wait, settle that wait once it is stored, and read what it waited for.
 * The waits themselves — released when the last dependency ends, or ended as the dependent's policy says — are the
 * database's (the trigger {@code job_runs_flow_ended}), whatever statement ends a run.
 */
@Singleton
public class FlowService {

    /** Longest key of a child (its idempotency key adds the parent's id). */
    public static final int MAX_CHILD_KEY = 150;
    /** Most runs one wait names. */
    public static final int MAX_WAIT = 100;

    private final JobRegistry jobs;
    private final RunStore store;
    private final RunMetrics metrics;

    FlowService(JobRegistry jobs, RunStore store, RunMetrics metrics) {
        this.jobs = jobs;
        this.store = store;
        this.metrics = metrics;
    }

    /**
     * Triggers a child of {@code parent}, held by {@code owner} (its attempt: the lease): a run of {@code job} with
     * {@code params}, in the parent's workspace, idempotent per (parent, job, key). Empty when the lease no longer holds
     * the parent; not found for an unknown job; invalid params, key or a system job; a conflict when the job refuses
     * the run (exclusive, a busy key).
     */
    public Uni<Optional<UUID>> triggerChild(Run parent, String owner, String job, Map<String, Object> params,
            String key) {
        if (job == null) {
            throw new Invalid("'job' is required: the child's job");
        }
        JobHandler handler = jobs.require(job, false);
        if (handler.system()) {
            throw new Invalid("Job '" + job + "' acts on every workspace and cannot be a child of a run");
        }
        if (key == null || key.isEmpty() || key.length() > MAX_CHILD_KEY || key.indexOf('\u0000') >= 0) {
            throw new Invalid("A child's key must have 1 to " + MAX_CHILD_KEY + " characters, none of them NUL");
        }
        JsonObject resolved = jobs.resolveParams(handler, params);
        NewRun child = new NewRun(RunIds.next(), handler.name(), parent.workspaceId(), handler.exclusive(),
                parent.dryRun(), resolved, handler.retry().maxAttempts(), "run:" + parent.id(),
                parent.correlationId(), "child:" + parent.id() + ":" + key, null, handler.priority(),
                RunService.timeoutMillis(handler, null), null, parent.traceparent(),
                RunService.limitKey(handler, parent.workspaceId(), resolved), handler.webhook().orElse(null), null);
        return store.insertChild(parent.id(), owner, parent.attempt(), child).map(outcome -> outcome.map(o -> {
            if (o instanceof TriggerOutcome.Refused refused) {
                throw refused.conflict();
            }
            if (o instanceof TriggerOutcome.Created created) {
                metrics.triggered(created.run().job());
                return created.run().id();
            }
            return ((TriggerOutcome.Existing) o).run().id();
        }));
    }

    /**
     * Records that the run {@code id}, held by {@code owner} as {@code attempt}, waits for {@code runs} (1 to
     * {@value #MAX_WAIT} runs of its workspace); the end of its attempt as a wait follows. False when the lease no
     * longer holds the run; invalid for a run that is not in its workspace (or not there).
     */
    public Uni<Boolean> waitFor(UUID id, String owner, int attempt, List<UUID> runs) {
        if (runs == null || runs.isEmpty() || runs.size() > MAX_WAIT) {
            throw new Invalid("A wait names 1 to " + MAX_WAIT + " runs; got " + (runs == null ? 0 : runs.size()));
        }
        List<UUID> distinct = runs.stream().distinct().toList();
        if (distinct.contains(id)) {
            throw new Invalid("A run cannot wait for itself");
        }
        return store.addWaits(id, owner, attempt, distinct).map(waits -> {
            if (waits.held() && waits.found() < distinct.size()) {
                throw new Invalid("A run waits only for runs of its workspace: " + (distinct.size() - waits.found())
                        + " of the " + distinct.size() + " runs named are not there");
            }
            return waits.held();
        });
    }

    /** Settles the runs whose wait was just stored: due at once if what they wait for has all ended. */
    public Uni<Integer> settle(List<UUID> waiting) {
        return waiting.isEmpty() ? Uni.createFrom().item(0) : store.settle(waiting);
    }

    /** What the run waits or waited for, as it is now. */
    public Uni<List<Dependency>> dependencies(UUID id) {
        return store.dependencies(id);
    }
}
