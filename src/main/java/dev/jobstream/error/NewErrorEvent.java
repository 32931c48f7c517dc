package dev.jobstream.error;

import java.util.Map;
import java.util.UUID;

/** An error event to record; kind is UPPER_SNAKE (JOB_FAILED, STALE_RUN …), severity info|warning|error|critical. */
public record NewErrorEvent(String severity, String kind, String message, String job, UUID workspaceId, UUID runId,
        String correlationId, Map<String, Object> details) {
}
