package dev.jobstream.error;

import java.util.UUID;

/** Filters and paging of {@code GET /v1/errors}; {@code beforeId} is the decoded cursor. */
public record ErrorQuery(String severity, String kind, String job, UUID workspaceId, UUID runId, Boolean unresolved,
        int limit, Long beforeId) {
}
