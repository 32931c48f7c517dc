package dev.jobstream.stats;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Singleton;

import dev.jobstream.run.store.RunStore;
import dev.jobstream.run.store.RunStore.ActiveCounts;
import io.smallrye.mutiny.Uni;

/**
 * What {@code GET /v1/stats} answers: the active runs now (from the runs' partial index) and the window's ends per
 * bucket and per job (from the rollup), of a token's workspaces.
 */
@Singleton
public class StatsService {

    private final RunStore runs;
    private final StatsStore rollup;

    StatsService(RunStore runs, StatsStore rollup) {
        this.runs = runs;
        this.rollup = rollup;
    }

    /**
     * The answer of {@code GET /v1/stats}. {@code countedTo}: the series and the jobs count the runs that ended up to
     * this instant (the sweep adds the later ones, every sweeper interval); {@code now} is live.
     */
    public record Stats(String window, String bucket, Instant from, Instant to, Instant countedTo, Now now,
            List<Point> series, List<Job> jobs) {
    }

    /**
     * One bucket: the runs that ended in it, and the deepest the queue was sampled in it (runs due; of every
     * workspace together: null for a token scoped to workspaces, and for a bucket without a sample).
     */
    public record Point(Instant at, long completed, long failed, long cancelled, long skipped, Long queued) {
    }

    /** The runs that need attention now. */
    public record Now(long queued, long retrying, long scheduled, long running, long paused, long stale,
            long failedLastHour, Long oldestQueuedMs) {
    }

    /** One job's ends within the window. */
    public record Job(String job, long runs, long completed, long failed, long cancelled, long skipped,
            Double failureRate, Double p50Ms, Double p95Ms) {
    }

    public Uni<Stats> stats(StatsWindow window, Set<UUID> workspaces, Instant now) {
        Uni<ActiveCounts> active = runs.activeCounts(workspaces);
        Uni<Long> failed = rollup.failedSince(now.minus(Duration.ofHours(1)), workspaces);
        Uni<List<StatsStore.Bucket>> series = rollup.series(window, workspaces);
        Uni<List<StatsStore.JobOutcomes>> jobs = rollup.jobs(window, workspaces);
        Uni<Map<Instant, Long>> depths = workspaces == null
                ? rollup.queueDepths(window)
                : Uni.createFrom().item(Map.of());
        Uni<Instant> counted = rollup.countedTo();
        return Uni.combine().all().unis(active, failed, series, jobs, depths, counted)
                .with((a, f, s, j, d, c) -> new Stats(
                        window.window(), window.bucket(), window.from(), window.to(), c,
                        new Now(a.queued(), a.retrying(), a.scheduled(), a.running(), a.paused(), a.stale(), f,
                                a.oldestQueuedMillis()),
                        everyBucket(window, s, d), j.stream().map(StatsService::job).toList()));
    }

    /** The buckets of the window, oldest first, those without ends as zeros. */
    private static List<Point> everyBucket(StatsWindow window, List<StatsStore.Bucket> withEnds,
            Map<Instant, Long> depths) {
        List<Point> all = new ArrayList<>(window.buckets());
        int next = 0;
        for (int i = 0; i < window.buckets(); i++) {
            Instant at = window.bucketStart(i);
            StatsStore.Bucket ends = next < withEnds.size() && withEnds.get(next).at().equals(at)
                    ? withEnds.get(next++)
                    : new StatsStore.Bucket(at, 0, 0, 0, 0);
            all.add(new Point(at, ends.completed(), ends.failed(), ends.cancelled(), ends.skipped(), depths.get(at)));
        }
        return all;
    }

    private static Job job(StatsStore.JobOutcomes o) {
        long ran = o.completed() + o.failed();
        long runs = o.completed() + o.failed() + o.cancelled() + o.skipped();
        return new Job(o.job(), runs, o.completed(), o.failed(), o.cancelled(), o.skipped(),
                ran == 0 ? null : Math.round(10_000.0 * o.failed() / ran) / 10_000.0,
                o.durations() == null ? null : o.durations().p50Millis(),
                o.durations() == null ? null : o.durations().p95Millis());
    }
}
