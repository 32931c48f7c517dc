package dev.jobstream.job;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Singleton;

import dev.jobstream.spi.JobContext;
import dev.jobstream.spi.JobHandler;
import dev.jobstream.spi.JobParam;
import dev.jobstream.spi.RetryPolicy;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * {@code demo.sleep}: {@code items} steps of {@code delay_ms}, each logged, counted and checkpointed. A demo job: it is
 * there in dev and test mode, and in production only with {@code JOBSTREAM_DEMO_JOBS=true}.
 */
@Singleton
public class DemoSleepJob implements JobHandler {

    /** At most 100,000 steps of at most a minute each: a demo run cannot be made to hold an engine for ever. */
    static final int MAX_ITEMS = 100_000;
    static final int MAX_DELAY_MS = 60_000;
    /** The params of the steps (also {@code demo.throttled}'s). */
    static final List<JobParam> PARAMS = List.of(
            JobParam.integer("items", 5, 0, MAX_ITEMS, "number of steps"),
            JobParam.integer("delay_ms", 200, 0, MAX_DELAY_MS, "sleep per step, in milliseconds"),
            JobParam.integer("fail_at", null, 1, MAX_ITEMS, "step at which the run fails"));

    /** One attempt: a demo run that fails (fail_at) fails at once; retry it with POST /v1/runs/{id}/retry. */
    @Override
    public RetryPolicy retry() {
        return RetryPolicy.none();
    }

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
        return PARAMS;
    }

    @Override
    public Uni<Map<String, Object>> run(JobContext context) {
        return sleep(context);
    }

    /** The steps, as the params of {@code context} say. */
    static Uni<Map<String, Object>> sleep(JobContext context) {
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
