package dev.jobstream.engine;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Singleton;

import dev.jobstream.spi.JobContext;
import dev.jobstream.spi.JobHandler;
import dev.jobstream.spi.RetryPolicy;
import io.smallrye.mutiny.Uni;

/**
 * A job for tests that waits, without a checkpoint, until the test signals it, then fails with an error its retry
 * policy would retry at once.
 */
@Singleton
public class FailOnSignalJob implements JobHandler {

    /** Completed by the test: the attempt waiting fails. */
    public static volatile CompletableFuture<Void> signal = new CompletableFuture<>();

    @Override
    public String name() {
        return "test.fail-on-signal";
    }

    @Override
    public boolean exclusive() {
        return false;
    }

    @Override
    public RetryPolicy retry() {
        return RetryPolicy.DEFAULT.withBackoff(Duration.ofMillis(1), Duration.ofMillis(1));
    }

    @Override
    public Uni<Map<String, Object>> run(JobContext context) {
        context.log("waiting for the signal");
        return Uni.createFrom().completionStage(signal)
                .map(v -> {
                    throw new IllegalStateException("failed on the signal");
                });
    }
}
