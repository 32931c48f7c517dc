package dev.jobstream.client;

import java.util.UUID;

/**
 * Filters of {@code GET /v1/runs}, each optional (null: any): {@code status} is a run status or {@code stale};
 * {@code limit} 1–500 (null: the service's 50); {@code cursor} a page's {@code nextCursor}.
 */
public record RunQuery(String job, UUID workspaceId, String status, Boolean dryRun, Integer limit, String cursor) {

    /** Every run the token may see, 50 a page. */
    public static final RunQuery ALL = new RunQuery(null, null, null, null, null, null);

    public static RunQuery job(String job) {
        return ALL.withJob(job);
    }

    public RunQuery withJob(String job) {
        return new RunQuery(job, workspaceId, status, dryRun, limit, cursor);
    }

    public RunQuery withWorkspace(UUID workspaceId) {
        return new RunQuery(job, workspaceId, status, dryRun, limit, cursor);
    }

    public RunQuery withStatus(String status) {
        return new RunQuery(job, workspaceId, status, dryRun, limit, cursor);
    }

    public RunQuery withDryRun(Boolean dryRun) {
        return new RunQuery(job, workspaceId, status, dryRun, limit, cursor);
    }

    public RunQuery withLimit(Integer limit) {
        return new RunQuery(job, workspaceId, status, dryRun, limit, cursor);
    }

    public RunQuery withCursor(String cursor) {
        return new RunQuery(job, workspaceId, status, dryRun, limit, cursor);
    }
}
