package dev.jobstream.job;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Singleton;

import dev.jobstream.spi.JobContext;
import dev.jobstream.spi.JobHandler;
import dev.jobstream.spi.JobParam;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** {@code demo.sleep}: {@code items} steps of {@code delay_ms}, each logged, counted and checkpointed. */
@Singleton
public class DemoSleepJob implements JobHandler {

    @Override
    public String name() {
        return "demo.sleep";
    }

    @Override
    public String description() {
        return "Sleeps through 'items' steps of 'delay_ms', logging and reporting progress at each; fails at step "
                + "'fail_at' if set. items = 0 is a no-op.";
    }

    @Override
    public List<JobParam> params() {
        return List.of(
                JobParam.integer("items", 5, 0, "number of steps"),
                JobParam.integer("delay_ms", 200, 0, "sleep per step, in milliseconds"),
                JobParam.integer("fail_at", null, 1, "step at which the run fails"));
    }

    @Override
    public Uni<Map<String, Object>> run(JobContext context) {
        int items = context.params().getInteger("items");
        Duration delay = Duration.ofMillis(context.params().getInteger("delay_ms"));
        Integer failAt = context.params().getInteger("fail_at");
        if (items == 0) {
            return Uni.createFrom().item(metrics(0, 0, context.dryRun()));
        }
        return Multi.createFrom().range(1, items + 1)
                .onItem().transformToUniAndConcatenate(item -> step(context, item, items, delay, failAt))
                .collect().last()
                .map(last -> metrics(items, last, context.dryRun()));
    }

    private static Uni<Integer> step(JobContext context, int item, int items, Duration delay, Integer failAt) {
        Uni<Void> wait = delay.isZero()
                ? Uni.createFrom().voidItem()
                : Uni.createFrom().voidItem().onItem().delayIt().by(delay);
        return wait.flatMap(v -> context.checkpoint()).map(v -> {
            if (failAt != null && failAt == item) {
                throw new IllegalStateException("Failed at item " + item + " of " + items + " (fail_at)");
            }
            context.log((context.dryRun() ? "[dry-run] " : "") + "[ " + item + " / " + items + " ] Processing item "
                    + item + "...");
            context.progress(item, (long) items);
            return item;
        });
    }

    private static Map<String, Object> metrics(int items, int processed, boolean dryRun) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("items", items);
        metrics.put("processed", processed);
        metrics.put("dry_run", dryRun);
        return metrics;
    }
}
