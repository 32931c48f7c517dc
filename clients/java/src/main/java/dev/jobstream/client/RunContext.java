package dev.jobstream.client;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A run as its handler sees it: what to do (job, workspace, params, dry-run, attempt) and how to say what happens
 * (log lines, progress, error-log entries), streamed to the run's subscribers with the next report. Reports go out
 * every {@link JobstreamWorker.Builder#reportEvery report interval}; each renews the lease, and its answer says
 * whether the run is asked to pause or cancel, or ran past its timeout. {@link #checkpoint()} acts on that.
 */
public final class RunContext {

    /** Most events in one report (the service's bound). */
    static final int MAX_EVENTS = 100;
    /** How often a paused run asks whether it was resumed. */
    static final Duration PAUSED_REPORT_EVERY = Duration.ofMillis(500);

    private final WorkerApi api;
    private final EndBatch ends;
    private final Duration patience;
    private final JsonNode claimed;
    private final UUID runId;
    private final String path;
    private final String lease;
    private final Map<String, Object> params;
    private final ConcurrentLinkedQueue<Map<String, Object>> events = new ConcurrentLinkedQueue<>();
    /** Guards the reports' numbering: one report at a time, each numbered after the last. */
    private final Object reporting = new Object();
    private int seq;
    private volatile String control;
    private volatile String state = "running";
    private volatile Instant expiresAt;
    private volatile String lost;
    /** The end is sent or on its way: no report follows it. */
    private volatile boolean ended;

    @SuppressWarnings("unchecked")
    RunContext(WorkerApi api, EndBatch ends, ObjectMapper json, JsonNode claimed, Duration patience) {
        this.api = api;
        this.ends = ends;
        this.patience = patience;
        this.claimed = claimed;
        this.runId = UUID.fromString(claimed.path("run_id").asText());
        this.path = "v1/workers/runs/" + runId + "/";
        this.lease = claimed.path("lease").path("token").asText();
        this.expiresAt = Instant.parse(claimed.path("lease").path("expires_at").asText());
        this.params = Collections.unmodifiableMap(json.convertValue(claimed.path("params"), Map.class));
    }

    public UUID runId() {
        return runId;
    }

    public String job() {
        return claimed.path("job").asText();
    }

    public UUID workspaceId() {
        return UUID.fromString(claimed.path("workspace_id").asText());
    }

    /** The run's params, defaults filled in, as JSON values (strings, numbers, booleans). */
    public Map<String, Object> params() {
        return params;
    }

    /** A dry run previews: it must not change anything outside the run. */
    public boolean dryRun() {
        return claimed.path("dry_run").asBoolean();
    }

    public int attempt() {
        return claimed.path("attempt").asInt();
    }

    public int maxAttempts() {
        return claimed.path("max_attempts").asInt();
    }

    /** The attempt's timeout in milliseconds, or null for none. */
    public Long timeoutMs() {
        JsonNode timeout = claimed.path("timeout_ms");
        return timeout.isNumber() ? timeout.asLong() : null;
    }

    /**
     * The W3C trace context of the run's trigger ({@code 00-<trace id>-<span id>-<flags>}), or null if it had none. A
     * worker with an OpenTelemetry SDK of its own continues the trigger's trace from it: extract it with the W3C
     * propagator (from a carrier {@code Map.of("traceparent", value)}) and start the attempt's span in that context,
     * or link to it.
     */
    public String traceparent() {
        JsonNode traceparent = claimed.path("traceparent");
        return traceparent.isTextual() ? traceparent.asText() : null;
    }

    /** When the lease expires unless a report renews it. */
    public Instant leaseExpiresAt() {
        return expiresAt;
    }

    // ---- what happens ----

    /** A log line: level {@code debug}, {@code info}, {@code warn} or {@code error}. */
    public void log(String level, String message) {
        events.add(event("log", "level", level, "message", message));
    }

    public void info(String message) {
        log("info", message);
    }

    public void warn(String message) {
        log("warn", message);
    }

    /** How far the run is: {@code processed} of {@code total} (null: unknown). */
    public void progress(long processed, Long total) {
        events.add(event("progress", "processed", processed, "total", total));
    }

    /** An entry of the run's error log: the item that failed and why (the run goes on). */
    public void error(String item, String message) {
        events.add(event("error", "item", item, "message", message));
    }

    private static Map<String, Object> event(String type, String k1, Object v1, String k2, Object v2) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        event.put(k1, v1);
        event.put(k2, v2);
        return event;
    }

    // ---- control ----

    /** True once the run must stop: cancel asked, timeout passed, or lease lost. */
    public boolean stopRequested() {
        return lost != null || "cancel".equals(control) || "timeout".equals(control);
    }

    /**
     * Where the run may stop or pause: throws when it must stop (cancelled, timed out, lease lost); when a pause is
     * asked, says so and waits here until the run is resumed (or cancelled).
     */
    public void checkpoint() throws RunStoppedException, InterruptedException {
        stopIfAsked();
        if (!"pause".equals(control)) {
            return;
        }
        report("paused");
        while ("paused".equals(state)) {
            stopIfAsked();
            if ("resume".equals(control)) {
                report("running");
                return;
            }
            Thread.sleep(PAUSED_REPORT_EVERY.toMillis());
            report(null);
        }
    }

    private void stopIfAsked() throws RunStoppedException {
        if (lost != null) {
            throw new RunStoppedException(RunStoppedException.Reason.LEASE_LOST, lost);
        }
        if ("cancel".equals(control)) {
            throw new RunStoppedException(RunStoppedException.Reason.CANCELLED, "Run " + runId + " was cancelled");
        }
        if ("timeout".equals(control)) {
            throw new RunStoppedException(RunStoppedException.Reason.TIMED_OUT, "Run " + runId
                    + " ran past its timeout of " + timeoutMs() + " ms");
        }
    }

    // ---- reports and the end ----

    /**
     * Sends the events waiting (all of them, a hundred a report) and {@code newState} (null: unchanged), renewing the
     * lease; a lost lease is remembered, not thrown.
     */
    void report(String newState) throws InterruptedException {
        synchronized (reporting) {
            do {
                if (lost != null || ended) {
                    return;
                }
                List<Map<String, Object>> batch = new ArrayList<>();
                for (Map<String, Object> event; batch.size() < MAX_EVENTS && (event = events.poll()) != null;) {
                    batch.add(event);
                }
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("lease", lease);
                body.put("seq", ++seq);
                body.put("events", batch);
                body.put("state", newState);
                try {
                    JsonNode answer = api.post(path + "report", body, Duration.ofSeconds(10), patience);
                    control = answer.path("control").isTextual() ? answer.path("control").asText() : null;
                    state = answer.path("state").asText(state);
                    expiresAt = Instant.parse(answer.path("lease").path("expires_at").asText());
                } catch (WorkerApi.LeaseLost e) {
                    lost = e.getMessage();
                    return;
                } catch (IOException | RuntimeException e) {
                    // not stored: the batch is lost to the stream, the next report tries again with the next number
                    JobstreamWorker.LOG.warning("Report on run " + runId + " failed: " + e.getMessage());
                    return;
                }
                newState = null;
            } while (!events.isEmpty());
        }
    }

    /** Reports what waits (the timer's call): never throws. */
    void reportQuietly() {
        try {
            report(null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Ends the attempt ({@code complete}, {@code fail}, {@code snooze}, {@code cancelled}) after a last report. A
     * report in flight is waited for, and none follows: the end goes out after the last report's answer.
     */
    void end(String how, Map<String, Object> fields) throws InterruptedException {
        synchronized (reporting) {
            if (!events.isEmpty()) {
                report(null);
            }
            ended = true;
        }
        if (lost != null) {
            JobstreamWorker.LOG.info("Run " + runId + " not ended by this worker: " + lost);
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>(fields);
        body.put("run_id", runId.toString());
        body.put("outcome", how);
        body.put("lease", lease);
        try {
            JsonNode result = ends.end(body);
            int code = result.path("code").asInt();
            if (code == 409) {
                lost = result.path("detail").asText();
                JobstreamWorker.LOG.info("Run " + runId + " not ended by this worker: " + lost);
            } else if (code != 200) {
                JobstreamWorker.LOG.warning("Run " + runId + " could not be ended (" + how + "): HTTP " + code + ": "
                        + result.path("detail").asText());
            }
        } catch (IOException | RuntimeException e) {
            JobstreamWorker.LOG.warning("Run " + runId + " could not be ended (" + how + "): " + e.getMessage()
                    + "; its lease expires and the service retries it");
        }
    }

    /** Why the lease was lost, or null while it holds. */
    String lost() {
        return lost;
    }
}
