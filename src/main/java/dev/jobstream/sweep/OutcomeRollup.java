package dev.jobstream.sweep;

import java.time.Duration;
import java.time.Instant;

import jakarta.inject.Singleton;

import dev.jobstream.stats.StatsStore;
import io.smallrye.mutiny.Uni;

/**
 * Adds the runs that ended up to {@link #LAG} ago to the outcome rollup, an hour of them per pass, up to a day of them
 * per sweep (a replica that starts on a table of 8 days catches up in 8 sweeps); once an hour it deletes the
 * rollup's rows past its retention.
 */
@Singleton
public class OutcomeRollup implements MaintenanceTask {

    /** How far behind now the rollup is kept: an end committed later than that after its instant is missed. */
    static final Duration LAG = Duration.ofSeconds(5);

    private final StatsStore rollup;
    /** When this replica last deleted the rollup's old rows (once an hour is enough: they age by the hour). */
    private volatile Instant expiredAt = Instant.EPOCH;

    OutcomeRollup(StatsStore rollup) {
        this.rollup = rollup;
    }

    @Override
    public String name() {
        return "the outcome rollup";
    }

    @Override
    public int order() {
        return 60;
    }

    @Override
    public Uni<Integer> runOnce(Instant at) {
        Instant now = at == null ? Instant.now() : at;
        return rollUp(0).flatMap(ended -> expire(now).map(deleted -> (int) Math.min(Integer.MAX_VALUE, ended)));
    }

    private Uni<Long> rollUp(int pass) {
        return rollup.rollUp(LAG).flatMap(done -> done.behind() && pass < 23
                ? rollUp(pass + 1).map(more -> more + done.ended())
                : Uni.createFrom().item(done.ended()));
    }

    private Uni<Integer> expire(Instant now) {
        if (Duration.between(expiredAt, now).compareTo(Duration.ofHours(1)) < 0) {
            return Uni.createFrom().item(0);
        }
        return rollup.deleteExpired(now).invoke(deleted -> expiredAt = now);
    }
}
