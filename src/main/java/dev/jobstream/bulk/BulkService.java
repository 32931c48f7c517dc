package dev.jobstream.bulk;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.jobstream.auth.Caller;
import dev.jobstream.refusal.Fields;
import dev.jobstream.refusal.Forbidden;
import dev.jobstream.refusal.Invalid;
import dev.jobstream.run.AlreadyRunning;
import dev.jobstream.run.NewRun;
import dev.jobstream.run.Run;
import dev.jobstream.run.RunCursor;
import dev.jobstream.run.RunIds;
import dev.jobstream.run.RunQuery;
import dev.jobstream.run.RunStatus;
import dev.jobstream.run.TriggerOutcome;
import dev.jobstream.run.TriggerRequest;
import dev.jobstream.run.service.RunService;
import dev.jobstream.trace.Traceparent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;

/**
 * Bulk actions on the runs a filter selects: retry the failed (or cancelled) ones, cancel the queued ones. A request
 * is counted at once (a dry run stops there), then carried out by a run of the internal job {@link BulkRunsJob}: in
 * pages, through the same guarded statements and audit line as the single actions, with its progress on the bulk
 * run. The bulk run acts on the runs created up to the request only, so a run triggered after the
 * confirmation is not touched.
 */
@Singleton
public class BulkService {

    private static final Logger AUDIT = Logger.getLogger("run.control");
    /** A bulk run comes before every run waiting in the queue: cancelling a backlog must not wait behind it. */
    static final int PRIORITY = TriggerRequest.MAX_PRIORITY;
    static final int MAX_ATTEMPTS = 3;
    /** Ids sort after every other at the same instant: a cursor at the request's time selects all runs up to it. */
    private static final UUID LAST_ID = new UUID(-1, -1);

    /** What a bulk request selects and does; {@code run} is the bulk run carrying it out (null for a dry run). */
    public record Bulk(String action, String status, String job, UUID workspaceId, long matched, Run run) {
    }

    /** A checked bulk request: its action, the status it selects, and the runs' job and workspace (null: any). */
    record Target(BulkAction action, RunStatus status, String job, UUID workspaceId, Instant until) {

        /** The runs it selects, from {@code cursor} on (null: from the request's time), a page of {@code limit}. */
        RunQuery query(RunCursor cursor, int limit) {
            return new RunQuery(job, workspaceId, status, false, null, limit,
                    cursor == null ? new RunCursor(until, LAST_ID) : cursor, null);
        }

        JsonObject params(String by) {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("action", action.value());
            params.put("status", status.value());
            params.put("job", job);
            params.put("workspace_id", workspaceId == null ? null : workspaceId.toString());
            params.put("until", until.toString());
            params.put("by", by);
            return new JsonObject(params);
        }

        static Target of(JsonObject params) {
            BulkAction action = BulkAction.of(params.getString("action"));
            String workspace = params.getString("workspace_id");
            return new Target(action, action.status(params.getString("status")), params.getString("job"),
                    workspace == null ? null : UUID.fromString(workspace), Instant.parse(params.getString("until")));
        }
    }

    private final RunService runs;

    BulkService(RunService runs) {
        this.runs = runs;
    }

    /**
     * Counts the runs {@code request} selects for {@code caller} and, unless it is a dry run, starts the bulk run that
     * acts on them: invalid for a bad request, forbidden for a workspace outside the caller's, a conflict while another
     * bulk run of the same workspace (or of every workspace) is active.
     */
    public Uni<Bulk> submit(BulkRequest request, Caller caller) {
        if (request == null) {
            throw new Invalid("A JSON body is required: {\"action\": \"retry\" | \"cancel\", ...}");
        }
        Target target = target(request, caller);
        Uni<Long> matched = runs.count(target.query(null, 0));
        if (Boolean.TRUE.equals(request.dryRun())) {
            return matched.map(count -> bulk(target, count, null));
        }
        UUID recordedIn = target.workspaceId() == null ? RunService.SYSTEM_WORKSPACE : target.workspaceId();
        NewRun run = new NewRun(RunIds.next(), BulkRunsJob.NAME, recordedIn, true, false,
                target.params(caller.name()), MAX_ATTEMPTS, caller.name(), null, null, null, PRIORITY, null, null,
                Traceparent.ofRequest(null), null, null, null);
        // of every workspace and of one, two bulk runs would act on the same runs: one at a time
        return matched.flatMap(count -> runs.triggerUnlessOverlapping(run, target.workspaceId() == null)
                .map(outcome -> {
                    if (outcome instanceof TriggerOutcome.AlreadyRunning conflict) {
                        throw new AlreadyRunning(conflict);
                    }
                    Run started = ((TriggerOutcome.Created) outcome).run();
                    AUDIT.infof("%s requested bulk %s of %d %s runs (job %s, workspace %s) as run %s", caller.name(),
                            target.action().value(), count, target.status().value(), or(target.job(), "any"),
                            target.workspaceId() == null ? "any" : target.workspaceId(), started.id());
                    return bulk(target, count, started);
                }));
    }

    private static Target target(BulkRequest request, Caller caller) {
        BulkAction action = BulkAction.of(request.action());
        RunStatus status = action.status(request.status());
        String job = Fields.optionalText("job", request.job(), 200);
        if (BulkRunsJob.NAME.equals(job)) {
            throw new Invalid("Bulk runs are not acted on in bulk");
        }
        UUID workspace = Fields.optionalUuid("workspace_id", request.workspaceId());
        if (workspace == null && caller.scoped()) {
            if (caller.workspaces().size() != 1) {
                throw new Invalid("Token '" + caller.name() + "' is limited to several workspaces: name "
                        + "the one to act on in 'workspace_id'");
            }
            workspace = caller.workspaces().iterator().next();
        }
        if (workspace != null && !caller.sees(workspace)) {
            throw new Forbidden("Token '" + caller.name() + "' may not act on the runs of "
                    + "workspace " + workspace);
        }
        return new Target(action, status, job, workspace, Instant.now());
    }

    private static Bulk bulk(Target target, long matched, Run run) {
        return new Bulk(target.action().value(), target.status().value(), target.job(), target.workspaceId(), matched,
                run);
    }

    private static String or(String value, String fallback) {
        return value == null ? fallback : value;
    }
}
