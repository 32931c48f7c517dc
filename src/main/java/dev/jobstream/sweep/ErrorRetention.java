package dev.jobstream.sweep;

import jakarta.inject.Singleton;

import dev.jobstream.config.JobstreamConfig;
import dev.jobstream.error.ErrorEventStore;

/** Error events older than {@code jobstream.retention.errors} are deleted. */
@Singleton
public class ErrorRetention extends Retention {

    ErrorRetention(ErrorEventStore errors, JobstreamConfig config, SweepActions actions) {
        super("expired error events", 40, errors::deleteExpired, config.retention().errors(), "errors_deleted",
                actions);
    }
}
