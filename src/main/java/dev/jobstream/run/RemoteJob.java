package dev.jobstream.run;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import dev.jobstream.spi.JobContext;
import dev.jobstream.spi.JobHandler;
import dev.jobstream.spi.JobParam;
import dev.jobstream.spi.RetryPolicy;
import io.smallrye.mutiny.Uni;

/**
 * A job that workers outside the service execute, as an admin registered it ({@code PUT /v1/jobs/{name}}): it is
 * triggered, scheduled, limited and listed as a job built into the service is, but no engine of the service runs it —
 * workers claim its runs over HTTP.
 */
public record RemoteJob(String name, String description, boolean exclusive, List<JobParam> params, RetryPolicy retry,
        Optional<Duration> timeout, int priority, OptionalInt maxActive) implements JobHandler {

    @Override
    public Uni<Map<String, Object>> run(JobContext context) {
        return Uni.createFrom().failure(new IllegalStateException("Job '" + name + "' is executed by workers"));
    }
}
