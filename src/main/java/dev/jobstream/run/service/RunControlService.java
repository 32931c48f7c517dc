package dev.jobstream.run.service;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.jobstream.auth.Caller;
import dev.jobstream.pg.PgErrors;
import dev.jobstream.refusal.Conflict;
import dev.jobstream.run.Control;
import dev.jobstream.run.Run;
import dev.jobstream.run.RunStatus;
import dev.jobstream.run.store.RunStore;
import io.smallrye.mutiny.Uni;

/**
 * Pause, resume, cancel and force-cancel (the rules are in {@link Control}). Requests for executing runs are stored on the run and carried
 * out by its engine, wherever it runs, at its next checkpoint; a queued run is cancelled at once, and a forced
 * cancel ends any active run in the database at once.
 */
@Singleton
public class RunControlService {

    private static final Logger AUDIT = Logger.getLogger("run.control");
    private static final String[] QUEUED = {RunStatus.QUEUED.value()};
    private static final String[] EXECUTING = RunStatus.EXECUTING;

    private final RunStore control;
    private final RunService runs;
    private final RunMetrics metrics;

    RunControlService(RunStore control, RunService runs, RunMetrics metrics) {
        this.control = control;
        this.runs = runs;
        this.metrics = metrics;
    }

    public Uni<Run> pause(UUID id, Caller caller) {
        return runs.checkVisible(id, caller)
                .flatMap(v -> control.request(id, Control.PAUSE, Control.PAUSE.allowedFrom(), caller.name()))
                .flatMap(r -> orRefusal(r, id, Control.PAUSE)).invoke(run -> audit(caller, "pause", run));
    }

    public Uni<Run> resume(UUID id, Caller caller) {
        return runs.checkVisible(id, caller)
                .flatMap(v -> control.resumeParked(id, caller.name()))
                .flatMap(parked -> parked.isPresent()
                        ? Uni.createFrom().item(parked)
                        : control.request(id, Control.RESUME, Control.RESUME.allowedFrom(), caller.name()))
                .flatMap(r -> orRefusal(r, id, Control.RESUME)).invoke(run -> audit(caller, "resume", run));
    }

    public Uni<Run> cancel(UUID id, boolean force, Caller caller) {
        return runs.checkVisible(id, caller).flatMap(v -> cancel(id, force, caller.name()))
                .invoke(run -> audit(caller, force ? "force-cancel" : "cancel", run));
    }

    private Uni<Run> cancel(UUID id, boolean force, String by) {
        if (force) {
            return control.cancelNow(id, RunStatus.ACTIVE, true, by).invoke(this::count)
                    .flatMap(r -> orRefusal(r, id, Control.CANCEL));
        }
        return control.cancelNow(id, QUEUED, false, by).invoke(this::count).flatMap(cancelled -> {
            if (cancelled.isPresent()) {
                return Uni.createFrom().item(cancelled.get());
            }
            return control.request(id, Control.CANCEL, EXECUTING, by).flatMap(r -> orRefusal(r, id, Control.CANCEL));
        });
    }

    /**
     * Puts a failed or cancelled run back in the queue as a new attempt of the same run (its history keeps the
     * attempts before); a conflict while it is active or completed, or when another run of its job holds its
     * exclusive slot.
     */
    public Uni<Run> retry(UUID id, Caller caller) {
        return runs.checkVisible(id, caller)
                .flatMap(v -> control.retry(id, caller.name()))
                .onFailure(PgErrors::isUniqueViolation).transform(e -> new Conflict("Cannot retry: another "
                        + "run of this job and workspace is active (the job is exclusive); retry once it ends"))
                .flatMap(retried -> {
                    if (retried.isPresent()) {
                        return Uni.createFrom().item(retried.get());
                    }
                    return runs.get(id).map(run -> {
                        throw new Conflict("Cannot retry: run is " + run.status().value()
                                + "; only failed and cancelled runs can be retried");
                    });
                }).invoke(run -> audit(caller, "retry", run));
    }

    /**
     * Retries those of the runs {@code ids} (none of them exclusive) that are still failed or cancelled, in one
     * statement; answers them. The caller (a bulk run) has read them in its workspace: they are not read again.
     */
    public Uni<List<Run>> retryAll(List<UUID> ids, Caller caller) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return control.retryAll(ids, caller.name()).invoke(retried -> retried.forEach(run -> audit(caller, "retry",
                run)));
    }

    /** Cancels those of the runs {@code ids} still queued, in one statement; answers them (as {@link #retryAll}). */
    public Uni<List<Run>> cancelQueued(List<UUID> ids, Caller caller) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return control.cancelAll(ids, QUEUED, caller.name()).invoke(cancelled -> cancelled.forEach(run -> {
            count(Optional.of(run));
            audit(caller, "cancel", run);
        }));
    }

    /** A run this replica ended in the database (queued, or force-cancelled): counted here. */
    private void count(Optional<Run> cancelled) {
        cancelled.ifPresent(run -> metrics.finished(run.job(), RunStatus.CANCELLED,
                run.durationMs() == null ? null : java.time.Duration.ofMillis(run.durationMs())));
    }

    /** One {@code run.control} log event per accepted request: who asked what of which run. */
    private static void audit(Caller caller, String request, Run run) {
        AUDIT.infof("%s requested %s of run %s (job %s, workspace %s, now %s)", caller.name(), request, run.id(),
                run.job(), run.workspaceId(), run.status().value());
    }

    /** The changed run, or the refusal (not found, conflict) that explains why nothing changed. */
    private Uni<Run> orRefusal(Optional<Run> changed, UUID id, Control request) {
        if (changed.isPresent()) {
            return Uni.createFrom().item(changed.get());
        }
        return runs.get(id).map(run -> {
            throw request.refusal(run);
        });
    }
}
