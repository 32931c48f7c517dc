package dev.jobstream.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Singleton;

import dev.jobstream.spi.JobContext;
import dev.jobstream.spi.JobHandler;
import dev.jobstream.spi.JobParam;
import dev.jobstream.spi.RetryPolicy;
import io.smallrye.mutiny.Uni;

/**
 * A job for tests that reports what PostgreSQL cannot store as it is: NUL characters and unpaired surrogates in log
 * lines, error-log entries, metrics and its failure, negative counts, a huge log line, NaN, and a number beyond
 * what PostgreSQL's numeric holds (which no cleaning catches). {@code mode} picks what.
 */
@Singleton
public class GarbageJob implements JobHandler {

    static final String NUL = "\u0000";

    /** One attempt: its failure is the end the tests look at. */
    @Override
    public RetryPolicy retry() {
        return RetryPolicy.none();
    }

    @Override
    public String name() {
        return "test.garbage";
    }

    @Override
    public boolean exclusive() {
        return false;
    }

    @Override
    public List<JobParam> params() {
        return List
                .of(new JobParam("mode", "string", "log", null, null, "log, counts, huge, metrics, overflow or fail"));
    }

    @Override
    public Uni<Map<String, Object>> run(JobContext context) {
        String mode = context.params().getString("mode");
        switch (mode) {
            case "log" -> {
                context.log("warn", "before" + NUL + "after \uD800 lone");
                context.log("nonsense-level", "level" + NUL);
                context.recordError("item" + NUL, "message" + NUL);
            }
            case "counts" -> {
                context.progress(-5, -10L);
                context.progress(Long.MIN_VALUE, 3L);
            }
            case "huge" -> context.log("x".repeat(1_000_000));
            case "metrics" -> {
                Map<String, Object> metrics = new LinkedHashMap<>();
                metrics.put("key" + NUL, "value" + NUL);
                metrics.put("nan", Double.NaN);
                metrics.put("object", new Object() {
                    @Override
                    public String toString() {
                        return "an object" + NUL;
                    }
                });
                return Uni.createFrom().item(metrics);
            }
            case "overflow" -> {
                context.log("a number PostgreSQL cannot hold follows");
                return Uni.createFrom().item(Map.of("big", new java.math.BigDecimal("1e200000")));
            }
            case "fail" -> throw new IllegalStateException("failed" + NUL + " here \uDC00");
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        }
        return Uni.createFrom().item(Map.of("mode", mode));
    }
}
