package dev.jobstream.job;

import java.util.List;
import java.util.Map;

import jakarta.inject.Singleton;

import dev.jobstream.spi.JobContext;
import dev.jobstream.spi.JobHandler;
import dev.jobstream.spi.JobParam;
import io.smallrye.mutiny.Uni;

/**
 * {@code demo.noop}: does nothing, for any number of runs per workspace at once — what a queue's benchmark measures
 * (a peer's no-op job is not exclusive either). A demo job, like {@code demo.sleep}.
 */
@Singleton
public class DemoNoopJob implements JobHandler {

    @Override
    public String name() {
        return "demo.noop";
    }

    @Override
    public String description() {
        return "Does nothing and completes: any number of runs per workspace at once (what the benchmarks run).";
    }

    @Override
    public boolean exclusive() {
        return false;
    }

    @Override
    public List<JobParam> params() {
        return List.of();
    }

    @Override
    public Uni<Map<String, Object>> run(JobContext context) {
        return Uni.createFrom().item(Map.of());
    }
}
