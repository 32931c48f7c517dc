package dev.jobstream.sweep;

import java.time.Instant;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.jobstream.run.store.RunStore;
import io.smallrye.mutiny.Uni;

/**
 * The safety net of flows: waiting runs whose dependencies have all ended (or one of which failed under a policy that
 * ends them) are settled — made due, or ended as their policy says. The database settles a wait when a dependency
 * ends, and the writer of a wait right after it; this finds what neither did: a replica killed between storing a wait
 * and settling it, a dependency deleted while waited for. Up to {@value #BATCH} runs a sweep.
 */
@Singleton
public class WaitSettler implements MaintenanceTask {

    private static final Logger LOG = Logger.getLogger(WaitSettler.class);
    /** Most waiting runs settled per sweep. */
    static final int BATCH = 500;

    private final RunStore runs;
    private final SweepActions actions;

    WaitSettler(RunStore runs, SweepActions actions) {
        this.runs = runs;
        this.actions = actions;
    }

    @Override
    public String name() {
        return "waits of flows";
    }

    @Override
    public int order() {
        return 45;
    }

    @Override
    public Uni<Integer> runOnce(Instant at) {
        return runs.settleStuck(BATCH).invoke(settled -> {
            actions.count("waits_settled", settled);
            if (settled > 0) {
                LOG.infof("Settled %d waiting runs whose dependencies had ended", settled);
            }
        });
    }
}
