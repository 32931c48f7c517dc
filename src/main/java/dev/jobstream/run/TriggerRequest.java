package dev.jobstream.run;

import java.util.Map;
import java.util.UUID;

/**
 * Body of {@code POST /v1/jobs/{job}/runs}, and one item of a batch; every field is optional. {@code runAt} (an
 * ISO-8601 instant) or {@code delay} (a duration: {@code 90s}, {@code 15m}, {@code PT1H}) asks for the run later;
 * {@code priority} (-100 to 100, higher first), {@code timeout} (a duration, at most the job's) and
 * {@code maxAttempts} (at most the job's) override the job's defaults.
 */
public record TriggerRequest(UUID workspaceId, Boolean dryRun, Map<String, Object> params, String idempotencyKey,
        String runAt, String delay, Integer priority, String timeout, Integer maxAttempts) {

    public static final TriggerRequest EMPTY = new TriggerRequest(null, null, null, null, null, null, null, null, null);
}
