package dev.jobstream.sweep;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BiFunction;

import io.smallrye.mutiny.Uni;

/**
 * Deletes what is older than its retention, in batches of {@value Sweeper#BATCH}, at most
 * {@value Sweeper#MAX_BATCHES} a sweep (what is left waits for the next one).
 */
abstract class Retention implements MaintenanceTask {

    private final String name;
    private final int order;
    private final BiFunction<Instant, Integer, Uni<Integer>> delete;
    private final Duration retention;
    private final String action;
    private final SweepActions actions;

    /** {@code delete(before, limit)} deletes at most {@code limit} of them; {@code action} counts them. */
    Retention(String name, int order, BiFunction<Instant, Integer, Uni<Integer>> delete, Duration retention,
            String action, SweepActions actions) {
        this.name = name;
        this.order = order;
        this.delete = delete;
        this.retention = retention;
        this.action = action;
        this.actions = actions;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int order() {
        return order;
    }

    @Override
    public boolean essential() {
        return true;
    }

    @Override
    public Uni<Integer> runOnce(Instant at) {
        Instant before = (at == null ? Instant.now() : at).minus(retention);
        return batches(before, 0, 0).invoke(deleted -> actions.count(action, deleted));
    }

    private Uni<Integer> batches(Instant before, int total, int batch) {
        return delete.apply(before, Sweeper.BATCH).flatMap(deleted -> {
            if (deleted == Sweeper.BATCH && batch + 1 < Sweeper.MAX_BATCHES) {
                return batches(before, total + deleted, batch + 1);
            }
            return Uni.createFrom().item(total + deleted);
        });
    }
}
