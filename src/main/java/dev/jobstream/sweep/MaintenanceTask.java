package dev.jobstream.sweep;

import java.time.Instant;

import io.smallrye.mutiny.Uni;

/**
 * One named piece of the cluster's upkeep — stale runs, retention, the outcome rollup, the queue's sample, workers'
 * overdue attempts — run by the one loop of {@link Sweeper} on every replica, each sweep in {@link #order()}; its SQL
 * makes concurrent runs on several replicas safe. A test drives one with {@link #runOnce(Instant)}.
 */
public interface MaintenanceTask {

    /** What it looks after, as the log says it: "stale runs", "the outcome rollup". */
    String name();

    /** Where it runs within a sweep: lower first. */
    int order();

    /**
     * True if a sweep fails when it fails: the runs' own upkeep, whose failure says the database cannot be reached.
     * Any other's failure is logged and the sweep goes on.
     */
    default boolean essential() {
        return false;
    }

    /** Does its work once, as if the time were {@code at} (null: now); answers how many things it changed. */
    Uni<Integer> runOnce(Instant at);
}
