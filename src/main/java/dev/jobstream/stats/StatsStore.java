package dev.jobstream.stats;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.inject.Singleton;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The SQL of the outcome rollup — {@code job_run_rollup} (runs' ends by minute and by hour, per workspace),
 * {@code job_run_totals} (the same for every workspace together; both with the durations' histogram) and their mark: the
 * sweep adds the runs that ended since its last pass, read from {@code job_runs} (migrations/V12__outcome_rollup.sql),
 * and {@code GET /v1/stats} reads them.
 */
@Singleton
public class StatsStore {

    static final Duration MINUTES_KEPT = Duration.ofDays(2);
    static final Duration HOURS_KEPT = Duration.ofDays(8);
    /** At most this much of the runs' ends goes into one pass of {@link #rollUp}. */
    static final Duration MAX_PASS = Duration.ofHours(1);

    private static final String COUNTS = """
            count(*) FILTER (WHERE status = 'completed'), count(*) FILTER (WHERE status = 'failed'),
                       count(*) FILTER (WHERE status = 'cancelled'), count(*) FILTER (WHERE status = 'skipped'),
                       coalesce(sum(duration_ms), 0)""";
    private static final String ADD_COUNTS = """
            completed = r.completed + excluded.completed, failed = r.failed + excluded.failed,
                       cancelled = r.cancelled + excluded.cancelled, skipped = r.skipped + excluded.skipped,
                       duration_ms_total = r.duration_ms_total + excluded.duration_ms_total""";

    /**
     * Locks the mark (or nothing, when another replica's pass holds it: a sweep does not wait) and answers it and how
     * far this pass goes: up to {@code $1} ms before now, at most an hour further.
     */
    static final String LOCK_MARK = """
            SELECT rolled_up_to, least(now() - $1::bigint * interval '1 millisecond', rolled_up_to + interval '1 hour')
              FROM job_run_rollup_mark WHERE id = 1 FOR UPDATE SKIP LOCKED
            """;

    /**
     * Adds the runs that ended after $1 and at or before $2 to the rollup: their workspaces' minutes (those of the
     * last 2 days: retention deletes older ones) and hours, and every workspace's, each with the histogram of their
     * durations. Read through the index of the runs' last change, in
     * the same range: an end is a run's last change, at the instant it ended (a run changes again after its end only
     * when it is retried, which takes the end back).
     */
    static final String ROLL_UP = """
            WITH ended AS (
                SELECT workspace_id, job_name, status, finished_at, duration_ms,
                       jobstream_duration_slot(duration_ms) AS slot
                  FROM job_runs
                 WHERE updated_at > $1 AND updated_at <= $2 AND finished_at > $1 AND finished_at <= $2
            ), periods AS (
                SELECT p.period, date_trunc(p.period, e.finished_at) AS bucket, e.*
                  FROM ended e CROSS JOIN (VALUES ('minute'), ('hour')) AS p(period)
                 WHERE p.period = 'hour' OR e.finished_at > now() - interval '2 days'
            ), workspaces AS (
                INSERT INTO job_run_rollup AS r (period, workspace_id, bucket, job_name, completed, failed, cancelled,
                                                 skipped, duration_ms_total, durations)
                SELECT period, workspace_id, bucket, job_name, %1$s, ARRAY[%3$s]::integer[]
                  FROM periods
                 GROUP BY period, workspace_id, bucket, job_name
                    ON CONFLICT (period, workspace_id, bucket, job_name) DO UPDATE
                   SET %2$s, durations = jobstream_histogram_merge(r.durations, excluded.durations)
            ), totals AS (
                INSERT INTO job_run_totals AS r (period, bucket, job_name, completed, failed, cancelled, skipped,
                                                 duration_ms_total, durations)
                SELECT period, bucket, job_name, %1$s, ARRAY[%3$s]::integer[]
                  FROM periods
                 GROUP BY period, bucket, job_name
                    ON CONFLICT (period, bucket, job_name) DO UPDATE
                   SET %2$s, durations = jobstream_histogram_merge(r.durations, excluded.durations)
            )
            SELECT count(*) FROM ended
            """.formatted(COUNTS, ADD_COUNTS, IntStream.rangeClosed(1, Durations.SLOTS)
            .mapToObj(i -> "count(*) FILTER (WHERE slot = " + i + ")").collect(Collectors.joining(", ")));

    static final String MOVE_MARK = "UPDATE job_run_rollup_mark SET rolled_up_to = $1 WHERE id = 1";

    static final String COUNTED_TO = "SELECT rolled_up_to FROM job_run_rollup_mark WHERE id = 1";

    /** $1 bucket (s), $2 from, $3 period, $4 to; of every workspace. */
    static final String SERIES_ALL = """
            SELECT date_bin($1::bigint * interval '1 second', bucket, $2::timestamptz), sum(completed), sum(failed),
                   sum(cancelled), sum(skipped)
              FROM job_run_totals
             WHERE period = $3 AND bucket >= $2 AND bucket < $4
             GROUP BY 1
            """;

    /** The same, of the workspaces $5. */
    static final String SERIES_OF = """
            SELECT date_bin($1::bigint * interval '1 second', bucket, $2::timestamptz), sum(completed), sum(failed),
                   sum(cancelled), sum(skipped)
              FROM job_run_rollup
             WHERE period = $3 AND workspace_id = ANY($5::uuid[]) AND bucket >= $2 AND bucket < $4
             GROUP BY 1
            """;

    /**
     * $1 period, $2 from, $3 to; of every workspace, with the histograms summed element by element (a function's call
     * per row costs more than the rest).
     */
    static final String JOBS_ALL = """
            SELECT job_name, sum(completed), sum(failed), sum(cancelled), sum(skipped), %s
              FROM job_run_totals
             WHERE period = $1 AND bucket >= $2 AND bucket < $3
             GROUP BY job_name
             ORDER BY job_name
            """.formatted(IntStream.rangeClosed(1, Durations.SLOTS).mapToObj(i -> "sum(durations[" + i + "])")
            .collect(Collectors.joining(", ")));

    /** The same, of the workspaces $4 (rows rolled up before their histograms were kept have none). */
    static final String JOBS_OF = """
            SELECT job_name, sum(completed), sum(failed), sum(cancelled), sum(skipped), %s
              FROM job_run_rollup
             WHERE period = $1 AND workspace_id = ANY($4::uuid[]) AND bucket >= $2 AND bucket < $3
             GROUP BY job_name
             ORDER BY job_name
            """.formatted(IntStream.rangeClosed(1, Durations.SLOTS).mapToObj(i -> "sum(durations[" + i + "])")
            .collect(Collectors.joining(", ")));

    static final String FAILED_SINCE_ALL = """
            SELECT coalesce(sum(failed), 0) FROM job_run_totals WHERE period = 'minute' AND bucket >= $1
            """;

    static final String FAILED_SINCE_OF = """
            SELECT coalesce(sum(failed), 0)
              FROM job_run_rollup
             WHERE period = 'minute' AND workspace_id = ANY($2::uuid[]) AND bucket >= $1
            """;

    /**
     * Samples the queue for this minute, unless a replica did: the runs due in the queue, those running, how long the
     * oldest due one has waited (each read in an index alone).
     */
    static final String SAMPLE_QUEUE = """
            INSERT INTO job_queue_samples (minute, queued, running, oldest_queued_ms)
            SELECT date_trunc('minute', now()),
                   (SELECT count(*) FROM job_runs WHERE status = 'queued' AND run_after <= now()),
                   (SELECT count(*) FROM job_runs WHERE status = 'running'),
                   (SELECT greatest(0, (extract(epoch FROM now() - min(run_after)) * 1000)::bigint)
                      FROM job_runs WHERE status = 'queued' AND run_after <= now())
                ON CONFLICT (minute) DO NOTHING
            """;

    /** $1 bucket (s), $2 from, $3 to: the deepest the queue was sampled in each bucket. */
    static final String QUEUE_SERIES = """
            SELECT date_bin($1::bigint * interval '1 second', minute, $2::timestamptz), max(queued)
              FROM job_queue_samples
             WHERE minute >= $2 AND minute < $3
             GROUP BY 1
            """;

    static final String DELETE_EXPIRED = """
            WITH workspaces AS (
                DELETE FROM job_run_rollup
                 WHERE (period = 'minute' AND bucket < $1) OR (period = 'hour' AND bucket < $2)
                RETURNING 1
            ), totals AS (
                DELETE FROM job_run_totals
                 WHERE (period = 'minute' AND bucket < $1) OR (period = 'hour' AND bucket < $2)
                RETURNING 1
            ), samples AS (
                DELETE FROM job_queue_samples WHERE minute < $2 RETURNING 1
            )
            SELECT (SELECT count(*) FROM workspaces) + (SELECT count(*) FROM totals) + (SELECT count(*) FROM samples)
            """;

    private final Pool pool;

    StatsStore(Pool pool) {
        this.pool = pool;
    }

    /** Ends in one bucket of a window. */
    public record Bucket(Instant at, long completed, long failed, long cancelled, long skipped) {
    }

    /**
     * Ends of one job within a window, and the durations of its runs that ran (see {@link Durations}).
     */
    public record JobOutcomes(String job, long completed, long failed, long cancelled, long skipped,
            Durations durations) {
    }

    /** The window's buckets that have ends (oldest first), of the workspaces given (null: every workspace). */
    public Uni<List<Bucket>> series(StatsWindow window, Set<UUID> workspaces) {
        Tuple args = Tuple.of(window.step().toSeconds(), utc(window.from()), window.period(), utc(window.to()));
        if (workspaces != null) {
            args.addValue(workspaces.toArray(UUID[]::new));
        }
        return pool.preparedQuery(workspaces == null ? SERIES_ALL : SERIES_OF).execute(args).map(rows -> {
            List<Bucket> buckets = new ArrayList<>();
            for (Row row : rows) {
                buckets.add(new Bucket(row.getOffsetDateTime(0).toInstant(), row.getLong(1), row.getLong(2),
                        row.getLong(3), row.getLong(4)));
            }
            buckets.sort((a, b) -> a.at().compareTo(b.at()));
            return buckets;
        });
    }

    /** The window's ends per job, by name, with their durations. */
    public Uni<List<JobOutcomes>> jobs(StatsWindow window, Set<UUID> workspaces) {
        Tuple args = Tuple.of(window.jobsPeriod(), utc(window.jobsFrom()), utc(window.to()));
        if (workspaces != null) {
            args.addValue(workspaces.toArray(UUID[]::new));
        }
        return pool.preparedQuery(workspaces == null ? JOBS_ALL : JOBS_OF).execute(args).map(rows -> {
            List<JobOutcomes> jobs = new ArrayList<>();
            for (Row row : rows) {
                long[] histogram = new long[Durations.SLOTS];
                for (int i = 0; i < histogram.length; i++) {
                    Long count = row.getLong(5 + i);
                    histogram[i] = count == null ? 0 : count;
                }
                Durations durations = Durations.of(histogram);
                jobs.add(new JobOutcomes(row.getString(0), row.getLong(1), row.getLong(2), row.getLong(3),
                        row.getLong(4), durations));
            }
            return jobs;
        });
    }

    /** Samples the queue for this minute, unless a replica did; answers whether this call did. */
    public Uni<Boolean> sampleQueue() {
        return pool.preparedQuery(SAMPLE_QUEUE).execute().map(rows -> rows.rowCount() == 1);
    }

    /** The deepest the queue was sampled in each bucket of the window that has a sample, by the bucket's start. */
    public Uni<Map<Instant, Long>> queueDepths(StatsWindow window) {
        return pool.preparedQuery(QUEUE_SERIES)
                .execute(Tuple.of(window.step().toSeconds(), utc(window.from()), utc(window.to())))
                .map(rows -> {
                    Map<Instant, Long> depths = new HashMap<>();
                    for (Row row : rows) {
                        depths.put(row.getOffsetDateTime(0).toInstant(), row.getLong(1));
                    }
                    return depths;
                });
    }

    /** How far the rollup has counted: the runs that ended up to this instant are in it. */
    public Uni<Instant> countedTo() {
        return pool.preparedQuery(COUNTED_TO).execute().map(rows -> rows.iterator().next().getOffsetDateTime(0)
                .toInstant());
    }

    /** Runs that failed at or after {@code since} (by the minute), of the workspaces given. */
    public Uni<Long> failedSince(Instant since, Set<UUID> workspaces) {
        return (workspaces == null
                ? pool.preparedQuery(FAILED_SINCE_ALL).execute(Tuple.of(utc(since)))
                : pool.preparedQuery(FAILED_SINCE_OF).execute(Tuple.of(utc(since), workspaces.toArray(UUID[]::new))))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /**
     * What one pass of {@link #rollUp} did: the ends it added, whether more are due (it stopped at an hour), whether
     * another pass held the mark (this one did nothing).
     */
    public record RollUp(long ended, boolean behind, boolean skipped) {
    }

    /**
     * Adds the runs that ended since the last pass, up to {@code lag} before now (an end whose transaction commits
     * later than that after its instant would be missed), at most an hour of them; nothing when another replica's
     * pass holds the mark. A run that ended, was retried and ended again between two passes counts once, with its
     * last outcome.
     */
    public Uni<RollUp> rollUp(Duration lag) {
        return pool.withTransaction(connection -> connection.preparedQuery(LOCK_MARK).execute(Tuple.of(lag.toMillis()))
                .flatMap(marks -> {
                    if (marks.size() == 0) {
                        return Uni.createFrom().item(new RollUp(0, false, true));
                    }
                    Row mark = marks.iterator().next();
                    java.time.OffsetDateTime from = mark.getOffsetDateTime(0);
                    java.time.OffsetDateTime to = mark.getOffsetDateTime(1);
                    if (!to.isAfter(from)) {
                        return Uni.createFrom().item(new RollUp(0, false, false));
                    }
                    boolean behind = !to.isBefore(from.plus(MAX_PASS));
                    return connection.preparedQuery(ROLL_UP).execute(Tuple.of(from, to))
                            .flatMap(ended -> connection.preparedQuery(MOVE_MARK).execute(Tuple.of(to))
                                    .map(moved -> new RollUp(ended.iterator().next().getLong(0), behind, false)));
                }));
    }

    /**
     * Deletes minutes older than 2 days, hours and queue samples older than 8 before {@code now}; answers how many
     * rows went.
     */
    public Uni<Integer> deleteExpired(Instant now) {
        return pool.preparedQuery(DELETE_EXPIRED)
                .execute(Tuple.of(utc(now.minus(MINUTES_KEPT)), utc(now.minus(HOURS_KEPT))))
                .map(rows -> (int) rows.iterator().next().getLong(0).longValue());
    }

    private static java.time.OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
