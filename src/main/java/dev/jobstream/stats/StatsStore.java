package dev.jobstream.stats;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Singleton;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The SQL of {@code job_run_rollup}: runs' outcomes by minute and by hour, per workspace (shard 0) and for every
 * workspace (shards 1 to 4, workspace the nil UUID), written by the trigger of {@code job_runs} as runs end
 * (migrations/V12__outcome_rollup.sql), read here.
 */
@Singleton
public class StatsStore {

    /** The workspace_id of the rows that count every workspace (shards 1 to 4). */
    static final UUID EVERY_WORKSPACE = new UUID(0, 0);
    static final Duration MINUTES_KEPT = Duration.ofDays(2);
    static final Duration HOURS_KEPT = Duration.ofDays(8);

    static final String SERIES = """
            SELECT date_bin($1::bigint * interval '1 second', bucket, $2::timestamptz) AS at, sum(completed),
                   sum(failed), sum(cancelled), sum(skipped)
              FROM job_run_rollup
             WHERE period = $3 AND workspace_id = ANY($4::uuid[]) AND (shard = 0) = $6 AND bucket >= $2 AND bucket < $5
             GROUP BY 1
            """;

    static final String JOBS = """
            SELECT job_name, sum(completed), sum(failed), sum(cancelled), sum(skipped),
                   jobstream_histogram_sum(durations), sum(duration_ms_total)
              FROM job_run_rollup
             WHERE period = $1 AND workspace_id = ANY($2::uuid[]) AND (shard = 0) = $5 AND bucket >= $3 AND bucket < $4
             GROUP BY job_name
             ORDER BY job_name
            """;

    static final String FAILED_SINCE = """
            SELECT coalesce(sum(failed), 0)
              FROM job_run_rollup
             WHERE period = 'minute' AND workspace_id = ANY($1::uuid[]) AND (shard = 0) = $3 AND bucket >= $2
            """;

    static final String DELETE_EXPIRED = """
            DELETE FROM job_run_rollup
             WHERE (period = 'minute' AND bucket < $1) OR (period = 'hour' AND bucket < $2)
            """;

    private final Pool pool;

    StatsStore(Pool pool) {
        this.pool = pool;
    }

    /** Ends in one bucket of a window. */
    public record Bucket(Instant at, long completed, long failed, long cancelled, long skipped) {
    }

    /** Ends of one job within a window, and the durations of its runs that ran (see {@link Durations}). */
    public record JobOutcomes(String job, long completed, long failed, long cancelled, long skipped,
            Durations durations) {
    }

    /** The window's buckets that have ends (oldest first), of the workspaces given (null: every workspace). */
    public Uni<List<Bucket>> series(StatsWindow window, Set<UUID> workspaces) {
        return pool.preparedQuery(SERIES)
                .execute(Tuple.of(window.step().toSeconds(), utc(window.from()), window.period(),
                        scope(workspaces), utc(window.to()), workspaces != null))
                .map(rows -> {
                    List<Bucket> buckets = new ArrayList<>();
                    for (Row row : rows) {
                        buckets.add(new Bucket(row.getOffsetDateTime(0).toInstant(), row.getLong(1), row.getLong(2),
                                row.getLong(3), row.getLong(4)));
                    }
                    buckets.sort((a, b) -> a.at().compareTo(b.at()));
                    return buckets;
                });
    }

    /** The window's ends per job, by name. */
    public Uni<List<JobOutcomes>> jobs(StatsWindow window, Set<UUID> workspaces) {
        return pool.preparedQuery(JOBS).execute(Tuple.of(window.period(), scope(workspaces), utc(window.from()),
                utc(window.to()), workspaces != null)).map(rows -> {
                    List<JobOutcomes> jobs = new ArrayList<>();
                    for (Row row : rows) {
                        Integer[] histogram = row.getArrayOfIntegers(5);
                        jobs.add(new JobOutcomes(row.getString(0), row.getLong(1), row.getLong(2), row.getLong(3),
                                row.getLong(4), Durations.of(histogram)));
                    }
                    return jobs;
                });
    }

    /** Runs that failed at or after {@code since} (by the minute), of the workspaces given. */
    public Uni<Long> failedSince(Instant since, Set<UUID> workspaces) {
        return pool.preparedQuery(FAILED_SINCE).execute(Tuple.of(scope(workspaces), utc(since), workspaces != null))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** Deletes minutes older than 2 days and hours older than 8 before {@code now}; answers how many rows went. */
    public Uni<Integer> deleteExpired(Instant now) {
        return pool.preparedQuery(DELETE_EXPIRED)
                .execute(Tuple.of(utc(now.minus(MINUTES_KEPT)), utc(now.minus(HOURS_KEPT))))
                .map(rows -> rows.rowCount());
    }

    private static UUID[] scope(Set<UUID> workspaces) {
        return workspaces == null
                ? new UUID[]{EVERY_WORKSPACE}
                : workspaces.stream().filter(w -> !EVERY_WORKSPACE.equals(w)).toArray(UUID[]::new);
    }

    private static java.time.OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
