package dev.jobstream.run;

import java.util.Optional;

import dev.jobstream.spi.JobHandler;
import dev.jobstream.spi.JobLimits;
import dev.jobstream.spi.RateLimit;

/**
 * The limits a claim of one job honours, null where the job has none: the most active at once, starts per window,
 * and per key starts per window and the most active at once. A job with any of them is claimed on its own, its claims
 * serialized across replicas.
 */
public record ClaimLimits(Integer maxActive, RateLimit rate, RateLimit ratePerKey, Integer maxActivePerKey) {

    /** The limits of {@code job}; empty if it has none, and its runs are claimed with other jobs' at once. */
    public static Optional<ClaimLimits> of(JobHandler job) {
        JobLimits limits = job.limits();
        if (job.maxActive().isEmpty() && !limits.any()) {
            return Optional.empty();
        }
        return Optional.of(new ClaimLimits(job.maxActive().isPresent() ? job.maxActive().getAsInt() : null,
                limits.rate(), limits.ratePerKey(), limits.maxActivePerKey()));
    }
}
