package dev.jobstream.run;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Singleton;

import dev.jobstream.spi.Dependency;
import dev.jobstream.spi.JobContext;
import dev.jobstream.spi.JobFailure;
import dev.jobstream.spi.JobHandler;
import dev.jobstream.spi.JobParam;
import dev.jobstream.spi.RetryPolicy;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** Jobs of flows, for {@link FlowsTest}. */
final class FlowJobs {

    private FlowJobs() {
    }

    /**
     * {@code test.flow.step}: completes with {@code value} plus the values its dependencies completed with
     * ({@code value}), and how many it read ({@code dependencies}); {@code mode} {@code fail} fails it for good,
     * {@code hold} checkpoints until it is stopped.
     */
    @Singleton
    static class Step extends FlowJob {
        Step() {
            super("test.flow.step");
        }

        @Override
        public List<JobParam> params() {
            return List.of(JobParam.integer("value", 1, 0, 1_000_000, "what it adds"),
                    JobParam.string("mode", "ok", "ok, fail or hold"));
        }

        @Override
        public Uni<Map<String, Object>> run(JobContext context) {
            String mode = context.params().getString("mode");
            if ("fail".equals(mode)) {
                return Uni.createFrom().failure(JobFailure.permanent("step_failed", "the step failed"));
            }
            if ("hold".equals(mode)) {
                return hold(context);
            }
            return context.dependencies().map(dependencies -> Map.of("value",
                    context.params().getInteger("value") + sum(dependencies), "dependencies", dependencies.size(),
                    "statuses", dependencies.stream().map(d -> String.valueOf(d.status())).toList()));
        }

        private static Uni<Map<String, Object>> hold(JobContext context) {
            return context.checkpoint().onItem().delayIt().by(Duration.ofMillis(50)).flatMap(v -> hold(context));
        }
    }

    /**
     * {@code test.flow.parent}: its first attempt triggers {@code children} steps (values 1, 2, 3…; mode
     * {@code child_mode}), each key asked twice (the second must answer the same child, as an attempt run again
     * would), and waits for them; the next attempt completes with their values summed ({@code sum}).
     */
    @Singleton
    static class Parent extends FlowJob {
        Parent() {
            super("test.flow.parent");
        }

        @Override
        public List<JobParam> params() {
            return List.of(JobParam.integer("children", 3, 1, 100, "children"),
                    JobParam.string("child_mode", "ok", "the children's mode"));
        }

        @Override
        public Uni<Map<String, Object>> run(JobContext context) {
            return context.dependencies().flatMap(done -> {
                if (!done.isEmpty()) {
                    return Uni.createFrom().item(Map.<String, Object>of("sum", sum(done), "children", done.size(),
                            "attempt", context.attempt()));
                }
                int children = context.params().getInteger("children");
                String mode = context.params().getString("child_mode");
                return Multi.createFrom().range(1, children + 1).onItem().transformToUniAndConcatenate(i -> {
                    Map<String, Object> params = Map.of("value", i, "mode", mode);
                    return context.trigger("test.flow.step", params, "c" + i)
                            .flatMap(first -> context.trigger("test.flow.step", params, "c" + i).map(again -> {
                                if (!first.equals(again)) {
                                    throw new IllegalStateException("a second child for key c" + i);
                                }
                                return first;
                            }));
                }).collect().asList().flatMap(ids -> context.<Map<String, Object>>waitFor(List.<UUID>copyOf(ids)));
            });
        }
    }

    /** One attempt, any number of runs per workspace at once. */
    abstract static class FlowJob implements JobHandler {
        private final String name;

        FlowJob(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public RetryPolicy retry() {
            return RetryPolicy.none();
        }

        @Override
        public boolean exclusive() {
            return false;
        }
    }

    static int sum(List<Dependency> dependencies) {
        return dependencies.stream()
                .mapToInt(d -> d.metrics() != null && d.metrics().get("value") instanceof Number n ? n.intValue() : 0)
                .sum();
    }
}
