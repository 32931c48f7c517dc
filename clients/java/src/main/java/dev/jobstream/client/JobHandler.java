package dev.jobstream.client;

import java.util.Map;

/**
 * The code of one job, executed by a {@link JobstreamWorker} for each run it claims. It returns the run's metrics (a
 * JSON object; null for none) and the run completes; it throws to fail the attempt — a {@link JobFailedException}
 * says its error code and whether another attempt may follow, a {@link SnoozeException} asks for the run to come back
 * later, any other exception fails the attempt with {@code job_failed} (retried as the job's policy says). Long work
 * calls {@link RunContext#checkpoint()} between items: that is where a pause waits and a cancel or timeout stops it.
 */
@FunctionalInterface
public interface JobHandler {

    Map<String, ?> run(RunContext run) throws Exception;
}
