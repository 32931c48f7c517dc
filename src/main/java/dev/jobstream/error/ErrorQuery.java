package dev.jobstream.error;

import java.util.Set;
import java.util.UUID;

/**
 * Filters and paging of {@code GET /v1/errors}; {@code beforeId} is the decoded cursor; {@code scope} the
 * workspaces of a caller limited to some ({@code null}: all; a scoped caller sees no event without a workspace).
 */
public record ErrorQuery(String severity, String kind, String job, UUID workspaceId, UUID runId, Boolean unresolved,
        int limit, Long beforeId, Set<UUID> scope) {
}
