package dev.jobstream.run;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import dev.jobstream.params.ParamsSchema;
import dev.jobstream.spi.JobContext;
import dev.jobstream.spi.JobHandler;
import dev.jobstream.spi.JobLimits;
import dev.jobstream.spi.JobParam;
import dev.jobstream.spi.RetryPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;

/**
 * A job that workers outside the service execute, as an admin registered it ({@code PUT /v1/jobs/{name}}): it is
 * triggered, scheduled, limited and listed as a job built into the service is, but no engine of the service runs it —
 * workers claim its runs over HTTP.
 */
public record RemoteJob(String name, String description, boolean exclusive, List<JobParam> params, RetryPolicy retry,
        Optional<Duration> timeout, int priority, OptionalInt maxActive, JobLimits limits, ParamsSchema schema,
        Optional<String> webhook)
        implements
            JobHandler {

    /** The schema the job was registered with, if it gave one rather than typed params. */
    @Override
    public Optional<JsonObject> paramsSchema() {
        return schema.typed() ? Optional.empty() : Optional.of(new JsonObject(schema.document()));
    }

    @Override
    public Uni<Map<String, Object>> run(JobContext context) {
        return Uni.createFrom().failure(new IllegalStateException("Job '" + name + "' is executed by workers"));
    }
}
