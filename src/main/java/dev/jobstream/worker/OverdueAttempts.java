package dev.jobstream.worker;

import java.time.Instant;

import jakarta.inject.Singleton;

import dev.jobstream.sweep.MaintenanceTask;
import io.smallrye.mutiny.Uni;

/**
 * Workers' attempts held too long, looked for by the sweep as an engine would: running past their timeout and its
 * grace (failed with {@code timeout}, retried as the job's policy says), or paused without a report for the pause
 * hold (parked). See {@link WorkerService#overdue}.
 */
@Singleton
public class OverdueAttempts implements MaintenanceTask {

    private final WorkerService workers;

    OverdueAttempts(WorkerService workers) {
        this.workers = workers;
    }

    @Override
    public String name() {
        return "workers' overdue attempts";
    }

    @Override
    public int order() {
        return 80;
    }

    @Override
    public Uni<Integer> runOnce(Instant at) {
        return workers.overdue(at).map(overdue -> overdue.timedOut() + overdue.parked());
    }
}
