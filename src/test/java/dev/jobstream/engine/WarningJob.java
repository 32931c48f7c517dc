package dev.jobstream.engine;

import java.util.Map;

import jakarta.inject.Singleton;

import dev.jobstream.spi.JobContext;
import dev.jobstream.spi.JobHandler;
import io.smallrye.mutiny.Uni;

/** A job for tests that logs a warning and completes. */
@Singleton
public class WarningJob implements JobHandler {

    @Override
    public String name() {
        return "test.warn";
    }

    @Override
    public Uni<Map<String, Object>> run(JobContext context) {
        context.log("info", "all is well");
        context.log("warn", "disk almost full");
        return Uni.createFrom().item(Map.of());
    }
}
