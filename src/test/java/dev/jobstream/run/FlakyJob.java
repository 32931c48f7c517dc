package dev.jobstream.run;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Singleton;

import dev.jobstream.spi.JobContext;
import dev.jobstream.spi.JobFailure;
import dev.jobstream.spi.JobHandler;
import dev.jobstream.spi.JobParam;
import dev.jobstream.spi.RetryPolicy;
import io.smallrye.mutiny.Uni;

/**
 * A job for tests of the job model. {@code mode}: {@code flaky} fails its first {@code fail_times} attempts, then
 * completes; {@code permanent} fails with a permanent failure; {@code snooze} snoozes {@code snooze_ms} on its first
 * attempt, then completes; {@code loop} checkpoints every 50 ms for ever (until stopped). Its backoff has no jitter:
 * 1 s after the first failed attempt, 2 s after the second.
 */
@Singleton
public class FlakyJob implements JobHandler {

    static final RetryPolicy POLICY = new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(2), 0);

    @Override
    public String name() {
        return "test.flaky";
    }

    @Override
    public RetryPolicy retry() {
        return POLICY;
    }

    @Override
    public java.util.Optional<Duration> timeout() {
        return java.util.Optional.of(Duration.ofMinutes(10));
    }

    @Override
    public List<JobParam> params() {
        return List.of(JobParam.string("mode", "flaky", "flaky, permanent, snooze or loop"),
                JobParam.integer("fail_times", 2, 0, 100, "attempts that fail before one completes"),
                JobParam.integer("snooze_ms", 1000, 0, 60_000, "how long the first attempt snoozes"));
    }

    @Override
    public Uni<Map<String, Object>> run(JobContext context) {
        String mode = context.params().getString("mode");
        context.log("attempt " + context.attempt());
        return switch (mode) {
            case "permanent" -> Uni.createFrom().failure(JobFailure.permanent("bad_input", "no such record"));
            case "snooze" -> context.attempt() == 1
                    ? context.snooze(Duration.ofMillis(context.params().getInteger("snooze_ms")))
                    : Uni.createFrom().item(Map.of("attempt", context.attempt()));
            case "loop" -> loop(context);
            default -> context.attempt() <= context.params().getInteger("fail_times")
                    ? Uni.createFrom().failure(new IllegalStateException("flaky attempt " + context.attempt()))
                    : Uni.createFrom().item(Map.of("attempt", context.attempt()));
        };
    }

    private static Uni<Map<String, Object>> loop(JobContext context) {
        return context.checkpoint().onItem().delayIt().by(Duration.ofMillis(50)).flatMap(v -> loop(context));
    }
}
