package dev.jobstream.run;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;

/**
 * Body of {@code POST /v1/jobs/{job}/runs}, and one item of a batch; every field is optional. {@code runAt} (an
 * ISO-8601 instant) or {@code delay} (a duration: {@code 90s}, {@code 15m}, {@code PT1H}) asks for the run later;
 * {@code priority} (-100 to 100, higher first), {@code timeout} (a duration, at most the job's) and
 * {@code maxAttempts} (at most the job's) override the job's defaults; {@code webhook} names the registered webhook
 * the run calls when it ends, over the job's; {@code dependsOn} names the runs it waits for and
 * {@code onDependencyFailure} what it does when one of them fails.
 */
@Schema(additionalProperties = Schema.False.class, description = "Every field is optional; workspace_id and dry_run "
        + "may also be query parameters", properties = {
                @SchemaProperty(name = "workspace_id"),
                @SchemaProperty(name = "dry_run"),
                @SchemaProperty(name = "params", description = "the job's params, as its params_schema (GET /v1/jobs; "
                        + "in this document as served, components JobParams.<job>) takes them; at most 16 KiB, "
                        + "32 levels"),
                @SchemaProperty(name = "idempotency_key", maxLength = 200),
                @SchemaProperty(name = "run_at", description = "run later, at this instant (at most a minute past; "
                        + "not with delay)", format = "date-time"),
                @SchemaProperty(name = "delay", description = "run later, after this duration: 90s, 15m, 2h, 1d or "
                        + "PT30M (not with run_at)"),
                @SchemaProperty(name = "priority", description = "higher runs first among due runs; default: the "
                        + "job's (0 unless it says)", minimum = ""
                                + TriggerRequest.MIN_PRIORITY, maximum = "" + TriggerRequest.MAX_PRIORITY),
                @SchemaProperty(name = "timeout", description = "how long one attempt may run: a duration of at "
                        + "least 1s, at most the job's"),
                @SchemaProperty(name = "max_attempts", minimum = "1", description = "at most the job's retry policy's "
                        + "attempts"),
                @SchemaProperty(name = "webhook", description = "a registered webhook (GET /v1/webhooks) the run "
                        + "calls when it ends; default: the job's, if any"),
                @SchemaProperty(name = "depends_on", description = "runs (ids) this run waits for: it is queued, "
                        + "display_status waiting, until they have all ended (at most 100; not with run_at or "
                        + "delay)", maxItems = TriggerRequest.MAX_DEPENDS_ON),
                @SchemaProperty(name = "on_dependency_failure", description = "when a run of depends_on fails or "
                        + "is cancelled: fail (default: this run ends failed, error_code dependency_failed), "
                        + "cancel (it ends cancelled) or run (it runs all the same)", enumeration = {"fail",
                                "cancel", "run"})})
public record TriggerRequest(UUID workspaceId, Boolean dryRun,
        // an object of any fields, no map: a client generated from the document sends it only when it is set
        @Schema(type = SchemaType.OBJECT, implementation = Object.class) Map<String, Object> params,
        String idempotencyKey, String runAt, String delay, Integer priority, String timeout, Integer maxAttempts,
        String webhook, List<String> dependsOn, String onDependencyFailure) {

    /** Most runs one run may wait for. */
    public static final int MAX_DEPENDS_ON = 100;

    /** Lowest and highest priority; higher runs first among due runs. */
    public static final int MIN_PRIORITY = -100;
    public static final int MAX_PRIORITY = 100;

    public static final TriggerRequest EMPTY = new TriggerRequest(null, null, null, null, null, null, null, null, null,
            null, null, null);
}
