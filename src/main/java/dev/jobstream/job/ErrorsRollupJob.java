package dev.jobstream.job;

import java.time.LocalDate;
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

/** {@code errors.rollup}: yesterday's (or {@code date}'s) error events per (kind, severity), into the rollups. */
@Singleton
public class ErrorsRollupJob implements JobHandler {

    private final ErrorEventStore errors;

    ErrorsRollupJob(ErrorEventStore errors) {
        this.errors = errors;
    }

    @Override
    public String name() {
        return "errors.rollup";
    }

    /** It acts on the error events of every workspace. */
    @Override
    public boolean system() {
        return true;
    }

    /** Daily, just after midnight UTC: yesterday's events. */
    @Override
    public Optional<String> schedule() {
        return Optional.of("5 0 * * *");
    }

    @Override
    public String description() {
        return "Rolls one day's error events (UTC; yesterday unless 'date' is given) up per kind and severity into "
                + "error_event_rollups. A dry run counts what it would write.";
    }

    @Override
    public List<JobParam> params() {
        return List.of(JobParam.date("date", "day to roll up, yyyy-MM-dd (UTC); default: yesterday"));
    }

    @Override
    public Uni<Map<String, Object>> run(JobContext context) {
        String given = context.params().getString("date");
        LocalDate day = given == null ? LocalDate.now(context.clock()).minusDays(1) : LocalDate.parse(given);
        return errors.countForRollup(day).flatMap(counts -> {
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("date", day.toString());
            metrics.put("groups", counts[0]);
            metrics.put("events", counts[1]);
            metrics.put("dry_run", context.dryRun());
            if (context.dryRun()) {
                context.log("[dry-run] Would write " + counts[0] + " rollup rows for " + counts[1] + " error events of "
                        + day);
                metrics.put("written", 0);
                return Uni.createFrom().item(metrics);
            }
            return context.checkpoint().flatMap(v -> errors.rollUp(day)).map(written -> {
                context.log("Wrote " + written + " rollup rows for " + counts[1] + " error events of " + day);
                context.progress(written, (long) written);
                metrics.put("written", written);
                return metrics;
            });
        });
    }
}
