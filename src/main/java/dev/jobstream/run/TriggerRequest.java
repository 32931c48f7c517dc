package dev.jobstream.run;

import java.util.Map;
import java.util.UUID;

/** Body of {@code POST /v1/jobs/{job}/runs}, and one item of a batch; every field is optional. */
public record TriggerRequest(UUID workspaceId, Boolean dryRun, Map<String, Object> params, String idempotencyKey) {

    public static final TriggerRequest EMPTY = new TriggerRequest(null, null, null, null);
}
