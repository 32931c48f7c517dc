package dev.jobstream.bulk;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Provider;
import jakarta.inject.Singleton;

import dev.jobstream.auth.Caller;
import dev.jobstream.auth.Role;
import dev.jobstream.problem.ApiException;
import dev.jobstream.run.Run;
import dev.jobstream.run.RunControlService;
import dev.jobstream.run.RunCursor;
import dev.jobstream.run.RunPage;
import dev.jobstream.run.RunService;
import dev.jobstream.spi.JobContext;
import dev.jobstream.spi.JobHandler;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * {@code runs.bulk}: carries out a bulk request of {@link BulkService}, a page of {@link #PAGE} runs at a time, newest
 * first, {@link #CONCURRENCY} of them at once, each through the single action's service (its guarded statement, its
 * check and its {@code run.control} audit line, by "name (bulk run id)"). A run that changed meanwhile is refused as a
 * single action would be; the refusal is kept in the bulk run's error log, and the rest go on. Progress is the runs
 * done of those counted at the start; a checkpoint between pages lets the bulk run be paused or cancelled. An attempt
 * that fails (the database went away) is retried, and starts again from the newest: the runs it already changed no
 * longer match. Internal: triggered by {@code POST /v1/runs/bulk} only; exclusive per workspace.
 */
@Singleton
public class BulkRunsJob implements JobHandler {

    public static final String NAME = "runs.bulk";
    static final int PAGE = 200;
    static final int CONCURRENCY = 8;

    /** Looked up when first used: the job registry, which the run services need, is made of the jobs. */
    private final Provider<RunService> runs;
    private final Provider<RunControlService> control;

    BulkRunsJob(Provider<RunService> runs, Provider<RunControlService> control) {
        this.runs = runs;
        this.control = control;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Retries failed runs or cancels queued ones, as POST /v1/runs/bulk asked";
    }

    @Override
    public boolean internal() {
        return true;
    }

    @Override
    public int priority() {
        return BulkService.PRIORITY;
    }

    /** What one pass over the runs did: those changed and those refused. */
    private record Done(long changed, long refused) {

        Done plus(Done more) {
            return new Done(changed + more.changed, refused + more.refused);
        }

        long total() {
            return changed + refused;
        }
    }

    @Override
    public Uni<Map<String, Object>> run(JobContext context) {
        BulkService.Target target = BulkService.Target.of(context.params());
        String by = context.params().getString("by");
        Caller caller = new Caller(by + " (bulk " + context.runId() + ")", Role.OPERATOR,
                target.workspaceId() == null ? null : Set.of(target.workspaceId()));
        return runs.get().count(target.query(null, 0)).flatMap(total -> {
            context.log("Bulk " + target.action().value() + " of " + total + " " + target.status().value()
                    + " runs (job " + (target.job() == null ? "any" : target.job()) + ", workspace "
                    + (target.workspaceId() == null ? "any" : target.workspaceId()) + ", created up to "
                    + target.until() + "), asked by " + by);
            context.progress(0, total);
            return pages(context, target, caller, null, new Done(0, 0), total).map(done -> {
                context.log("Done: " + done.changed() + " runs " + past(target.action()) + ", " + done.refused()
                        + " refused");
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("action", target.action().value());
                result.put("matched", total);
                result.put(past(target.action()), done.changed());
                result.put("refused", done.refused());
                return result;
            });
        });
    }

    private Uni<Done> pages(JobContext context, BulkService.Target target, Caller caller, RunCursor cursor,
            Done sofar, long total) {
        return context.checkpoint().flatMap(v -> runs.get().list(target.query(cursor, PAGE))).flatMap(page -> {
            List<Run> selected = page.runs().stream().filter(run -> !NAME.equals(run.job())).toList();
            return act(context, target, caller, selected).flatMap(done -> {
                Done now = sofar.plus(done);
                context.progress(now.total(), Math.max(total, now.total()));
                if (page.nextCursor() == null) {
                    return Uni.createFrom().item(now);
                }
                return pages(context, target, caller, last(page), now, total);
            });
        });
    }

    private Uni<Done> act(JobContext context, BulkService.Target target, Caller caller, List<Run> selected) {
        if (selected.isEmpty()) {
            return Uni.createFrom().item(new Done(0, 0));
        }
        return Multi.createFrom().iterable(selected).onItem().transformToUni(run -> act(target, caller, run)
                .replaceWith(new Done(1, 0))
                .onFailure(ApiException.class).recoverWithItem(refusal -> {
                    context.recordError(run.id().toString(), refusal.getMessage());
                    return new Done(0, 1);
                })).merge(CONCURRENCY)
                .collect().with(java.util.stream.Collectors.reducing(new Done(0, 0), Done::plus));
    }

    private Uni<Run> act(BulkService.Target target, Caller caller, Run run) {
        return switch (target.action()) {
            case RETRY -> control.get().retry(run.id(), caller);
            case CANCEL -> control.get().cancel(run.id(), false, caller);
        };
    }

    private static RunCursor last(RunPage page) {
        Run run = page.runs().get(page.runs().size() - 1);
        return new RunCursor(run.createdAt(), run.id());
    }

    private static String past(BulkAction action) {
        return action == BulkAction.RETRY ? "retried" : "cancelled";
    }
}
