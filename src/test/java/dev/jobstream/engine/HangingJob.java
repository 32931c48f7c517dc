package dev.jobstream.engine;

import java.util.Map;

import jakarta.inject.Singleton;

import dev.jobstream.spi.JobContext;
import dev.jobstream.spi.JobHandler;
import io.smallrye.mutiny.Uni;

/** A job for tests that never ends and never reaches a checkpoint: only force-cancel stops it. */
@Singleton
public class HangingJob implements JobHandler {

    @Override
    public String name() {
        return "test.hang";
    }

    @Override
    public Uni<Map<String, Object>> run(JobContext context) {
        context.log("hanging");
        return Uni.createFrom().nothing();
    }
}
