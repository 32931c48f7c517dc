package dev.jobstream.run;

import java.util.Set;
import java.util.UUID;

/**
 * Filters and paging of {@code GET /v1/runs}; {@code stale} selects executing runs with an old heartbeat;
 * {@code scope} holds the workspaces of a caller limited to some ({@code null}: all).
 */
public record RunQuery(String job, UUID workspaceId, RunStatus status, boolean stale, Boolean dryRun, int limit,
        RunCursor cursor, Set<UUID> scope) {
}
