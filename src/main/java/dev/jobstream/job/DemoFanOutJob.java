package dev.jobstream.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Singleton;

import dev.jobstream.spi.Dependency;
import dev.jobstream.spi.JobContext;
import dev.jobstream.spi.JobHandler;
import dev.jobstream.spi.JobParam;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * {@code demo.fanout}: a flow. Its first attempt triggers {@code children} children — runs of {@code demo.fanout}
 * without children, each the steps of {@code demo.sleep} ({@code items} of {@code delay_ms}) — holds {@code hold_ms}
 * (checkpointed; its first attempt alone), and waits for them; the attempt after the wait adds up what they processed. The children are keyed
 * {@code child-1}…: an attempt run again (its replica died) gets the same children. Any number of runs per workspace
 * at once. A demo job (see {@link DemoSleepJob}).
 */
@Singleton
public class DemoFanOutJob implements JobHandler {

    @Override
    public String name() {
        return "demo.fanout";
    }

    @Override
    public String description() {
        return "Triggers 'children' children that sleep through 'items' steps of 'delay_ms' as demo.sleep does, "
                + "waits for them, and completes with the steps they processed added up; children = 0 is such a "
                + "child.";
    }

    @Override
    public boolean exclusive() {
        return false;
    }

    @Override
    public List<JobParam> params() {
        return List.of(JobParam.integer("children", 3, 0, 100, "children to trigger (0: sleep as a child does)"),
                JobParam.integer("items", 3, 0, DemoSleepJob.MAX_ITEMS, "steps of each child"),
                JobParam.integer("delay_ms", 100, 0, DemoSleepJob.MAX_DELAY_MS, "sleep per step of a child"),
                JobParam.integer("hold_ms", 0, 0, DemoSleepJob.MAX_DELAY_MS,
                        "how long the parent's first attempt holds between triggering its children and waiting for them"));
    }

    @Override
    public Uni<Map<String, Object>> run(JobContext context) {
        if (context.params().getInteger("children") == 0) {
            return DemoSleepJob.sleep(context);
        }
        return context.dependencies().flatMap(done -> done.isEmpty()
                ? fanOut(context)
                : Uni.createFrom()
                        .item(added(done)));
    }

    /** Triggers the children (the same ones again if an earlier attempt did), holds, and waits for them. */
    private static Uni<Map<String, Object>> fanOut(JobContext context) {
        int children = context.params().getInteger("children");
        Map<String, Object> params = Map.of("children", 0, "items", context.params().getInteger("items"),
                "delay_ms", context.params().getInteger("delay_ms"));
        return Multi.createFrom().range(1, children + 1)
                .onItem().transformToUniAndConcatenate(i -> context.trigger("demo.fanout", params, "child-" + i))
                .collect().asList()
                .call(ids -> {
                    context.log("Triggered " + ids.size() + " children; waiting for them");
                    // the first attempt alone holds: one run again after a crash goes on to its wait
                    return hold(context, context.attempt() == 1 ? context.params().getInteger("hold_ms") : 0);
                })
                .flatMap(ids -> context.waitFor(ids));
    }

    /** Holds {@code ms}, at a checkpoint every 100 ms (a cancel or a shutdown stops it there). */
    private static Uni<Void> hold(JobContext context, int ms) {
        if (ms <= 0) {
            return Uni.createFrom().voidItem();
        }
        int step = Math.min(ms, 100);
        return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(step))
                .flatMap(v -> context.checkpoint()).flatMap(v -> hold(context, ms - step));
    }

    /** What the children did, added up. */
    private static Map<String, Object> added(List<Dependency> children) {
        long processed = 0;
        List<UUID> failed = new ArrayList<>();
        for (Dependency child : children) {
            if (child.completed() && child.metrics() != null && child.metrics().get("processed") instanceof Number n) {
                processed += n.longValue();
            } else if (!child.completed()) {
                failed.add(child.runId());
            }
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("children", children.size());
        metrics.put("processed", processed);
        metrics.put("not_completed", failed.stream().map(UUID::toString).toList());
        return metrics;
    }
}
