package dev.jobstream.run;

import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Singleton;

import io.smallrye.mutiny.Uni;

/**
 * Pause, resume, cancel and force-cancel (DESIGN §2). Requests for executing runs are stored on the run and carried
 * out by its engine, wherever it runs, at its next checkpoint; a queued run is cancelled at once, and a forced
 * cancel ends any active run in the database at once.
 */
@Singleton
public class RunControlService {

    private static final String[] QUEUED = {RunStatus.QUEUED.value()};
    private static final String[] EXECUTING = RunStatus.EXECUTING;

    private final RunControlRepository control;
    private final RunService runs;

    RunControlService(RunControlRepository control, RunService runs) {
        this.control = control;
        this.runs = runs;
    }

    public Uni<Run> pause(UUID id) {
        return control.request(id, Control.PAUSE, Control.PAUSE.allowedFrom()).flatMap(r -> orRefusal(r, id,
                Control.PAUSE));
    }

    public Uni<Run> resume(UUID id) {
        return control.request(id, Control.RESUME, Control.RESUME.allowedFrom()).flatMap(r -> orRefusal(r, id,
                Control.RESUME));
    }

    public Uni<Run> cancel(UUID id, boolean force) {
        if (force) {
            return control.cancelNow(id, RunStatus.ACTIVE, true).flatMap(r -> orRefusal(r, id, Control.CANCEL));
        }
        return control.cancelNow(id, QUEUED, false).flatMap(cancelled -> {
            if (cancelled.isPresent()) {
                return Uni.createFrom().item(cancelled.get());
            }
            return control.request(id, Control.CANCEL, EXECUTING).flatMap(r -> orRefusal(r, id, Control.CANCEL));
        });
    }

    /** The changed run, or the 404/409 that explains why nothing changed. */
    private Uni<Run> orRefusal(Optional<Run> changed, UUID id, Control request) {
        if (changed.isPresent()) {
            return Uni.createFrom().item(changed.get());
        }
        return runs.get(id).map(run -> {
            throw request.refusal(run.status());
        });
    }
}
