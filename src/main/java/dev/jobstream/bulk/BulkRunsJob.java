package dev.jobstream.bulk;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Provider;
import jakarta.inject.Singleton;

import dev.jobstream.auth.Caller;
import dev.jobstream.auth.Role;
import dev.jobstream.refusal.Refusal;
import dev.jobstream.run.Run;
import dev.jobstream.run.RunCursor;
import dev.jobstream.run.RunPage;
import dev.jobstream.run.service.RunControlService;
import dev.jobstream.run.service.RunService;
import dev.jobstream.spi.JobContext;
import dev.jobstream.spi.JobHandler;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * {@code runs.bulk}: carries out a bulk request of {@link BulkService}, a page of {@link #PAGE} runs at a time, newest
 * first, through the single actions' guarded statements — a page's cancels, and its retries of runs that are not
 * exclusive, in one statement; retries of exclusive runs one by one ({@link #CONCURRENCY} at once), as another run
 * may hold their slot — each run with its {@code run.control} audit line, by "name (bulk run id)". A run that changed
 * meanwhile is refused as a single action would be; the refusal is kept in the bulk run's error log, and the rest go
 * on. Progress is the runs
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
        // the runs acted on are those the query selects, of the workspace asked for (checked against the token when
        // the bulk was asked): the single actions need not read each run again to check its workspace
        Caller caller = new Caller(by + " (bulk " + context.runId() + ")", Role.OPERATOR, null);
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

    /**
     * Acts on a page: in one statement for the runs that can go together (every cancel; the retries of runs that are
     * not exclusive), one by one for the retries of exclusive runs, whose slot another run may hold (a refusal each).
     */
    private Uni<Done> act(JobContext context, BulkService.Target target, Caller caller, List<Run> selected) {
        List<Run> together = target.action() == BulkAction.CANCEL
                ? selected
                : selected.stream().filter(run -> !run.exclusive()).toList();
        List<Run> alone = selected.stream().filter(run -> !together.contains(run)).toList();
        List<UUID> ids = together.stream().map(Run::id).toList();
        Uni<List<Run>> changed = target.action() == BulkAction.CANCEL
                ? control.get().cancelQueued(ids, caller)
                : control.get().retryAll(ids, caller);
        return changed.flatMap(done -> {
            Set<UUID> changedIds = done.stream().map(Run::id).collect(Collectors.toSet());
            together.stream().filter(run -> !changedIds.contains(run.id())).forEach(run -> context.recordError(
                    run.id().toString(), "Cannot " + target.action().value() + ": it is no longer "
                            + target.status().value()));
            Done batch = new Done(changedIds.size(), together.size() - changedIds.size());
            return one(context, target, caller, alone).map(batch::plus);
        });
    }

    /** Retries these runs one at a time ({@link #CONCURRENCY} at once), each refusal kept in the error log. */
    private Uni<Done> one(JobContext context, BulkService.Target target, Caller caller, List<Run> runs) {
        if (runs.isEmpty()) {
            return Uni.createFrom().item(new Done(0, 0));
        }
        return Multi.createFrom().iterable(runs).onItem().transformToUni(run -> control.get().retry(run.id(), caller)
                .replaceWith(new Done(1, 0))
                .onFailure(Refusal.class).recoverWithItem(refusal -> {
                    context.recordError(run.id().toString(), refusal.getMessage());
                    return new Done(0, 1);
                })).merge(CONCURRENCY)
                .collect().with(Collectors.reducing(new Done(0, 0), Done::plus));
    }

    private static RunCursor last(RunPage page) {
        Run run = page.runs().get(page.runs().size() - 1);
        return new RunCursor(run.createdAt(), run.id());
    }

    private static String past(BulkAction action) {
        return action == BulkAction.RETRY ? "retried" : "cancelled";
    }
}
