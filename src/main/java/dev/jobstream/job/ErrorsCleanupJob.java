package dev.jobstream.job;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Singleton;

import dev.jobstream.error.ErrorEventStore;
import dev.jobstream.spi.JobContext;
import dev.jobstream.spi.JobHandler;
import dev.jobstream.spi.JobParam;
import io.smallrye.mutiny.Uni;

/** {@code errors.cleanup}: deletes resolved error events older than {@code older_than}, in batches. */
@Singleton
public class ErrorsCleanupJob implements JobHandler {

    static final int BATCH = 1000;

    private final ErrorEventStore errors;

    ErrorsCleanupJob(ErrorEventStore errors) {
        this.errors = errors;
    }

    @Override
    public String name() {
        return "errors.cleanup";
    }

    /** It acts on the error events of every workspace. */
    @Override
    public boolean system() {
        return true;
    }

    /** Daily, after the rollup. */
    @Override
    public Optional<String> schedule() {
        return Optional.of("30 0 * * *");
    }

    @Override
    public String description() {
        return "Deletes resolved error events that occurred more than 'older_than' ago, " + BATCH
                + " at a time. A dry run counts them.";
    }

    @Override
    public List<JobParam> params() {
        return List.of(JobParam.duration("older_than", "90d", "age past which resolved events go (90d, 12h, PT30M)"));
    }

    @Override
    public Uni<Map<String, Object>> run(JobContext context) {
        String olderThan = context.params().getString("older_than");
        Duration age = JobParam.parseDuration(olderThan);
        return errors.countResolved(age).flatMap(eligible -> {
            context.log((context.dryRun() ? "[dry-run] Would delete " : "Deleting ") + eligible
                    + " resolved error events older than " + olderThan);
            if (context.dryRun()) {
                return Uni.createFrom().item(metrics(olderThan, eligible, 0, true));
            }
            return deleteBatches(context, age, eligible, 0)
                    .map(deleted -> metrics(olderThan, eligible, deleted, false));
        });
    }

    private Uni<Long> deleteBatches(JobContext context, Duration age, long eligible, long deletedSoFar) {
        return context.checkpoint().flatMap(v -> errors.deleteResolvedBatch(age, BATCH)).flatMap(deleted -> {
            long total = deletedSoFar + deleted;
            context.progress(total, Math.max(eligible, total));
            if (deleted < BATCH) {
                return Uni.createFrom().item(total);
            }
            return deleteBatches(context, age, eligible, total);
        });
    }

    private static Map<String, Object> metrics(String olderThan, long eligible, long deleted, boolean dryRun) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("older_than", olderThan);
        metrics.put("eligible", eligible);
        metrics.put("deleted", deleted);
        metrics.put("dry_run", dryRun);
        return metrics;
    }
}
