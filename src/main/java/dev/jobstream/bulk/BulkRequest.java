package dev.jobstream.bulk;

/**
 * Body of {@code POST /v1/runs/bulk}: the action ({@code retry} or {@code cancel}) and the runs it selects, as the
 * runs list filters them ({@code job}, {@code workspace_id}, {@code status}); {@code dry_run} only counts them.
 */
public record BulkRequest(String action, String job, String workspaceId, String status, Boolean dryRun) {
}
