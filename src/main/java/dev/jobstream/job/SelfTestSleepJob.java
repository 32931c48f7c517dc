package dev.jobstream.job;

import java.util.List;
import java.util.Map;

import jakarta.inject.Singleton;

import dev.jobstream.spi.JobContext;
import dev.jobstream.spi.JobHandler;
import dev.jobstream.spi.JobParam;
import io.smallrye.mutiny.Uni;

/**
 * {@code selftest.sleep}: the self-test's own job, the steps of {@code demo.sleep}, so that the self-test works in
 * production where the demo jobs are off. Internal: not listed, and nobody but the service itself can trigger it.
 */
@Singleton
public class SelfTestSleepJob implements JobHandler {

    @Override
    public String name() {
        return "selftest.sleep";
    }

    @Override
    public boolean internal() {
        return true;
    }

    @Override
    public String description() {
        return "The self-test's job: 'items' steps of 'delay_ms'.";
    }

    @Override
    public List<JobParam> params() {
        return List.of(
                JobParam.integer("items", 5, 0, 1000, "number of steps"),
                JobParam.integer("delay_ms", 200, 0, 10_000, "sleep per step, in milliseconds"),
                JobParam.integer("fail_at", null, 1, 1000, "step at which the run fails"));
    }

    @Override
    public Uni<Map<String, Object>> run(JobContext context) {
        return DemoSleepJob.sleep(context);
    }
}
