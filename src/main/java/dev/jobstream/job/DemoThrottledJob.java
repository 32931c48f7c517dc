package dev.jobstream.job;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import jakarta.inject.Singleton;

import dev.jobstream.spi.JobContext;
import dev.jobstream.spi.JobHandler;
import dev.jobstream.spi.JobParam;
import io.smallrye.mutiny.Uni;

/**
 * {@code demo.throttled}: the steps of {@code demo.sleep}, for any number of runs per workspace, but at most
 * {@value #MAX_ACTIVE} of them active at once across all replicas — a job with a cluster-wide concurrency limit (a
 * rate-limited API, a licence). A demo job, like {@code demo.sleep}.
 */
@Singleton
public class DemoThrottledJob implements JobHandler {

    static final int MAX_ACTIVE = 2;

    @Override
    public String name() {
        return "demo.throttled";
    }

    @Override
    public String description() {
        return "The steps of demo.sleep, any number of runs per workspace, at most " + MAX_ACTIVE
                + " active at once across all replicas.";
    }

    @Override
    public boolean exclusive() {
        return false;
    }

    @Override
    public OptionalInt maxActive() {
        return OptionalInt.of(MAX_ACTIVE);
    }

    @Override
    public List<JobParam> params() {
        return DemoSleepJob.PARAMS;
    }

    @Override
    public Uni<Map<String, Object>> run(JobContext context) {
        return DemoSleepJob.sleep(context);
    }
}
