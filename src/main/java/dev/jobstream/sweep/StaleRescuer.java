package dev.jobstream.sweep;

import java.time.Instant;
import java.util.List;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.jobstream.config.JobstreamConfig;
import dev.jobstream.pg.Connectivity;
import dev.jobstream.run.service.RunMetrics;
import dev.jobstream.run.store.RunStore;
import io.smallrye.mutiny.Uni;

/**
 * Runs whose replica went silent (no heartbeat for {@code jobstream.stale-after}) are requeued as their next attempt,
 * failed without attempts left, kept paused (parked) or cancelled as asked — in batches of {@value Sweeper#BATCH}, at most
 * {@value Sweeper#MAX_BATCHES} a sweep. Only once the database has been reachable for stale-after: a replica that was cut
 * off does not take its peers' runs for stale before they could beat again.
 */
@Singleton
public class StaleRescuer implements MaintenanceTask {

    private static final Logger LOG = Logger.getLogger(StaleRescuer.class);

    /** What one rescue did to runs. */
    public record Stale(int requeued, int failed, int parked, int cancelled) {

        static final Stale NONE = new Stale(0, 0, 0, 0);

        int total() {
            return requeued + failed + parked + cancelled;
        }

        Stale plus(List<RunStore.Interrupted> runs) {
            int q = 0;
            int f = 0;
            int p = 0;
            int c = 0;
            for (RunStore.Interrupted run : runs) {
                switch (run.status()) {
                    case QUEUED -> q++;
                    case FAILED -> f++;
                    case PAUSED -> p++;
                    default -> c++;
                }
            }
            return new Stale(requeued + q, failed + f, parked + p, cancelled + c);
        }
    }

    private final RunStore runs;
    private final Connectivity connectivity;
    private final JobstreamConfig config;
    private final RunMetrics metrics;
    private final SweepActions actions;

    StaleRescuer(RunStore runs, Connectivity connectivity, JobstreamConfig config, RunMetrics metrics,
            SweepActions actions) {
        this.runs = runs;
        this.connectivity = connectivity;
        this.config = config;
        this.metrics = metrics;
        this.actions = actions;
    }

    @Override
    public String name() {
        return "stale runs";
    }

    @Override
    public int order() {
        return 10;
    }

    @Override
    public boolean essential() {
        return true;
    }

    @Override
    public Uni<Integer> runOnce(Instant at) {
        return rescue(at).map(Stale::total);
    }

    /** One rescue as at {@code at} (null: now, by the database clock for heartbeats), by what became of the runs. */
    public Uni<Stale> rescue(Instant at) {
        Instant now = at == null ? Instant.now() : at;
        if (!connectivity.steadyFor(config.staleAfter(), now)) {
            return Uni.createFrom().item(Stale.NONE);
        }
        return batch(at, Stale.NONE, 0).invoke(stale -> {
            actions.count("stale_requeued", stale.requeued());
            actions.count("stale_failed", stale.failed());
            actions.count("stale_parked", stale.parked());
            actions.count("stale_cancelled", stale.cancelled());
            if (stale.total() > 0) {
                LOG.warnf("Swept stale runs: %d requeued, %d failed, %d kept paused, %d cancelled as asked",
                        stale.requeued(), stale.failed(), stale.parked(), stale.cancelled());
            }
        });
    }

    private Uni<Stale> batch(Instant at, Stale sofar, int batch) {
        return runs.sweepStale(at, config.staleAfter(), Sweeper.BATCH).flatMap(done -> {
            done.stream().filter(run -> run.status().isTerminal())
                    .forEach(run -> metrics.finished(run.job(), run.status(), null));
            Stale total = sofar.plus(done);
            if (done.size() == Sweeper.BATCH && batch + 1 < Sweeper.MAX_BATCHES) {
                return batch(at, total, batch + 1);
            }
            return Uni.createFrom().item(total);
        });
    }
}
