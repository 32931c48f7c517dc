package dev.jobstream.job;

import java.time.Duration;

import jakarta.inject.Singleton;

import dev.jobstream.spi.JobLimits;
import dev.jobstream.spi.RateLimit;

/**
 * {@code demo.rated}: does nothing, at most one start a minute per workspace — a rate-limited job to try the
 * throttled display with, and the backlog the limits benchmark holds beside another job's work-off. A demo job,
 * {@code demo.noop} but for its name and its limit.
 */
@Singleton
public class DemoRatedJob extends DemoNoopJob {

    /** Starts per workspace and window. */
    static final RateLimit PER_WORKSPACE = RateLimit.of(1, Duration.ofMinutes(1));

    @Override
    public String name() {
        return "demo.rated";
    }

    @Override
    public String description() {
        return "Does nothing and completes, at most once a minute per workspace (a rate limit per key).";
    }

    @Override
    public JobLimits limits() {
        return JobLimits.NONE.byKey(JobLimits.WORKSPACE).withRatePerKey(PER_WORKSPACE);
    }
}
