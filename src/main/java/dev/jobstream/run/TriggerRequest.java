package dev.jobstream.run;

import java.util.Map;
import java.util.UUID;

/**
 * Body of {@code POST /v1/jobs/{job}/runs}, and one item of a batch; every field is optional. {@code runAt} (an
 * ISO-8601 instant) or {@code delay} (a duration: {@code 90s}, {@code 15m}, {@code PT1H}) asks for the run later.
 */
public record TriggerRequest(UUID workspaceId, Boolean dryRun, Map<String, Object> params, String idempotencyKey,
        String runAt, String delay) {

    public static final TriggerRequest EMPTY = new TriggerRequest(null, null, null, null, null, null);
}
