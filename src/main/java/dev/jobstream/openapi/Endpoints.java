package dev.jobstream.openapi;

import java.util.List;
import java.util.Map;

/** The HTTP API as the OpenAPI document states it: a summary and the status codes of each endpoint. */
final class Endpoints {

    /**
     * An endpoint: its operationId (the method name of a generated client), summary, success codes, problem codes,
     * and the schema a success answers when the scanned document cannot tell (null: the scanned one, if any).
     */
    record Endpoint(String operationId, String summary, List<Integer> success, List<Integer> problems,
            String answers) {
    }

    private static final Map<String, Endpoint> ALL = Map.ofEntries(
            entry("GET /v1/jobs", "listJobs",
                    "Job definitions: name, description, exclusive, schedule, retry policy, timeout, "
                            + "priority, cluster-wide limit, params",
                    List.of(200), List.of(), false),
            entry("PUT /v1/jobs/{job}", "putRemoteJob",
                    "Register, or replace, a job executed by workers outside the service (201 created, 200 replaced)",
                    List.of(201, 200), List.of(400, 409, 413), "JobDefinition"),
            entry("DELETE /v1/jobs/{job}", "deleteRemoteJob",
                    "Delete a job executed by workers that has no active runs",
                    List.of(204), List.of(404, 409), false),
            entry("POST /v1/workers/claim", "claimRuns",
                    "Worker: claim due runs of the jobs it executes, waiting up to 'wait' seconds for one",
                    List.of(200), List.of(400, 403, 413, 429), false),
            entry("POST /v1/workers/runs/{id}/report", "reportRun",
                    "Worker: renew the lease and store events, progress, error-log entries and a state; the answer "
                            + "carries the control asked of the run",
                    List.of(200), List.of(400, 404, 409, 413), false),
            entry("POST /v1/workers/runs/{id}/complete", "completeRun", "Worker: end the attempt completed",
                    List.of(200), List.of(400, 404, 409, 413), true),
            entry("POST /v1/workers/runs/{id}/fail", "failRun",
                    "Worker: end the attempt failed (retried by the job's policy unless not retryable)",
                    List.of(200), List.of(400, 404, 409, 413), true),
            entry("POST /v1/workers/runs/{id}/snooze", "snoozeRun",
                    "Worker: end the attempt and bring the run back after delay_ms, with one attempt more",
                    List.of(200), List.of(400, 404, 409, 413), true),
            entry("POST /v1/workers/runs/{id}/wait", "waitRun",
                    "Worker: end the attempt as a wait for 'children' (runs of its workspace); the run is claimed "
                            + "again, with one attempt more and their results as 'dependencies', once they all ended",
                    List.of(200), List.of(400, 404, 409, 413), true),
            entry("POST /v1/workers/runs/{id}/children", "triggerChildRun",
                    "Worker: under the lease, trigger a child of the run (a job its token names), idempotent per "
                            + "key; answers its run_id",
                    List.of(200), List.of(400, 403, 404, 409, 413), false),
            entry("POST /v1/workers/runs/{id}/cancelled", "cancelledRun",
                    "Worker: end the run cancelled, as a cancel asked of it", List.of(200),
                    List.of(400, 404, 409, 413), true),
            entry("POST /v1/workers/runs/ends", "endRuns",
                    "Worker: end up to 100 attempts in one call, each as its own call would; one result per end, "
                            + "in order, with the status its own call would have had",
                    List.of(200), List.of(400, 413), false),
            entry("POST /v1/jobs/{job}/runs", "triggerRun",
                    "Trigger a run (202 + Location); ?wait=N answers when it ends (200) "
                            + "or N s pass (202); Accept: text/event-stream streams its events (200)",
                    List.of(202, 200), List.of(400, 404, 409, 413, 503), true),
            entry("POST /v1/jobs/{job}/runs/batch", "triggerRuns",
                    "Enqueue up to 1,000 runs in one statement; results in input "
                            + "order",
                    List.of(200), List.of(400, 404), false),
            entry("GET /v1/runs", "listRuns",
                    "Runs, newest first; filters job, workspace_id, status (or stale), dry_run",
                    List.of(200), List.of(400), false),
            entry("GET /v1/runs/{id}", "getRun", "One run", List.of(200), List.of(400, 404), false),
            entry("DELETE /v1/runs/{id}", "deleteRun", "Delete a terminal run and its events", List.of(204),
                    List.of(400, 404, 409), false),
            entry("GET /v1/runs/{id}/progress", "getRunProgress",
                    "Progress; percent stays at or below 99 until the run is terminal",
                    List.of(200), List.of(400, 404), false),
            entry("GET /v1/runs/{id}/result", "getRunResult", "Result of a terminal run", List.of(200),
                    List.of(400, 404, 409),
                    false),
            entry("GET /v1/runs/{id}/events", "getRunEvents",
                    "A run's events: SSE (resumable) or the stored ones as JSON",
                    List.of(200), List.of(400, 404), false),
            entry("POST /v1/runs/{id}/pause", "pauseRun", "Pause a running run at its next checkpoint", List.of(202),
                    List.of(400, 404, 409), true),
            entry("POST /v1/runs/{id}/resume", "resumeRun", "Resume a paused run", List.of(202), List.of(400, 404, 409),
                    true),
            entry("POST /v1/runs/{id}/cancel", "cancelRun",
                    "Cancel an active run; ?force=true ends it in the database at once",
                    List.of(202), List.of(400, 404, 409), true),
            entry("POST /v1/runs/bulk", "bulkRuns",
                    "Retry the failed, or cancel the queued, runs a filter selects: counted (dry_run), "
                            + "then carried out by a runs.bulk run with progress",
                    List.of(200, 202), List.of(400, 403, 409),
                    false),
            entry("POST /v1/runs/{id}/retry", "retryRun",
                    "Put a failed or cancelled run back in the queue as its next attempt",
                    List.of(202), List.of(400, 404, 409), true),
            entry("GET /v1/schedules", "listSchedules",
                    "Schedules with their next fire times; filters job, workspace_id",
                    List.of(200), List.of(400), false),
            entry("POST /v1/schedules", "createSchedule", "Add a schedule: a job fired on a Unix cron in a time zone",
                    List.of(201),
                    List.of(400, 403, 404), "Schedule"),
            entry("GET /v1/schedules/preview", "previewSchedule", "The next fire times of a cron in a time zone",
                    List.of(200),
                    List.of(400), false),
            entry("GET /v1/schedules/{id}", "getSchedule", "One schedule", List.of(200), List.of(400, 404), false),
            entry("PATCH /v1/schedules/{id}", "updateSchedule", "Change, enable or disable a schedule", List.of(200),
                    List.of(400, 404), false),
            entry("DELETE /v1/schedules/{id}", "deleteSchedule", "Delete a schedule added through the API",
                    List.of(204),
                    List.of(400, 404, 409), false),
            entry("GET /v1/stream", "streamRunChanges", "SSE of run changes (created, state, progress) for dashboards",
                    List.of(200),
                    List.of(400), false),
            entry("GET /v1/errors", "listErrors", "Error events, newest first", List.of(200), List.of(400), false),
            entry("POST /v1/errors/{id}/resolve", "resolveError", "Mark an error event resolved by the caller",
                    List.of(200),
                    List.of(400, 404), false),
            entry("GET /v1/me", "getMe", "The caller: the name, roles and workspaces of its token", List.of(200),
                    List.of(), false),
            entry("GET /v1/engines", "listEngines", "This replica's engines", List.of(200), List.of(), false),
            entry("GET /v1/replicas", "listReplicas",
                    "Every replica: up, lost or stopped, its engines and the runs it executes",
                    List.of(200), List.of(), false),
            entry("GET /v1/stats", "getStats", "Active runs now, and runs ended per bucket and per job over a window",
                    List.of(200), List.of(400), false),
            entry("GET /v1/runs/{id}/deliveries", "getRunDeliveries",
                    "The webhook a run calls when it ends, and each delivery with its attempts", List.of(200),
                    List.of(400, 404), false),
            entry("GET /v1/webhooks", "listWebhooks", "The registered webhooks (never their secrets)", List.of(200),
                    List.of(), false),
            entry("GET /v1/webhooks/{name}", "getWebhook", "One webhook (never its secret)", List.of(200),
                    List.of(404), false),
            entry("PUT /v1/webhooks/{name}", "putWebhook",
                    "Register a webhook (201, with its secret, shown this once), or change its URL and description "
                            + "(200)",
                    List.of(201, 200), List.of(400, 413), "Webhook"),
            entry("POST /v1/webhooks/{name}/secret", "rotateWebhookSecret",
                    "A new secret for the webhook, shown this once", List.of(200), List.of(404), false),
            entry("DELETE /v1/webhooks/{name}", "deleteWebhook", "Delete a webhook", List.of(204), List.of(404),
                    false),
            entry("GET /v1/selftest", "runSelfTest", "SSE: the end-to-end self-test against this instance",
                    List.of(200),
                    List.of(), false));

    private Endpoints() {
    }

    /** The endpoint for {@code "METHOD /path"}, or null when the API has none. */
    static Endpoint find(String methodAndPath) {
        return ALL.get(methodAndPath);
    }

    private static Map.Entry<String, Endpoint> entry(String key, String operationId, String summary,
            List<Integer> success, List<Integer> problems, boolean answersRun) {
        return entry(key, operationId, summary, success, problems, answersRun ? "Run" : null);
    }

    private static Map.Entry<String, Endpoint> entry(String key, String operationId, String summary,
            List<Integer> success, List<Integer> problems, String answers) {
        return Map.entry(key, new Endpoint(operationId, summary, success, problems, answers));
    }
}
