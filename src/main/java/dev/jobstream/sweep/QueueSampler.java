package dev.jobstream.sweep;

import java.time.Instant;

import jakarta.inject.Singleton;

import dev.jobstream.stats.StatsStore;
import io.smallrye.mutiny.Uni;

/** The queue's length, sampled into the rollup once a minute (by whichever replica gets there first). */
@Singleton
public class QueueSampler implements MaintenanceTask {

    private final StatsStore rollup;

    QueueSampler(StatsStore rollup) {
        this.rollup = rollup;
    }

    @Override
    public String name() {
        return "the queue's sample";
    }

    @Override
    public int order() {
        return 70;
    }

    @Override
    public Uni<Integer> runOnce(Instant at) {
        return rollup.sampleQueue().map(sampled -> sampled ? 1 : 0);
    }
}
