package dev.jobstream.worker;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

import dev.jobstream.auth.Caller;
import dev.jobstream.auth.Roles;
import dev.jobstream.auth.TokenLimits;
import dev.jobstream.problem.ApiException;
import dev.jobstream.problem.Params;
import dev.jobstream.run.Run;
import io.smallrye.mutiny.Uni;

/**
 * The worker protocol: workers outside the service claim runs of the jobs they execute, report on them under a
 * lease, and end their attempts. Only a token of the {@code worker} role may call it. Bodies are read as their
 * records; an empty one is null, which the service answers with a 400 naming the fields it needs.
 */
@Path("/v1/workers")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.WORKER)
public class WorkerResource {

    private final WorkerService workers;
    private final TokenLimits limits;

    WorkerResource(WorkerService workers, TokenLimits limits) {
        this.workers = workers;
        this.limits = limits;
    }

    /**
     * Claims due runs; waits up to {@code wait} seconds when none is due, answering as soon as one is queued. A
     * worker that goes away while it waits claims nothing: its connection's close cancels the answer (as Quarkus REST
     * does for a pending result), and what a claim in flight took goes back to the queue.
     */
    @POST
    @Path("claim")
    public Uni<Map<String, List<ClaimedRun>>> claim(@Context SecurityContext security, ClaimRequest request) {
        Caller caller = Caller.of(security);
        TokenLimits.Permit permit = limits.acquire(caller, TokenLimits.Kind.POLL);
        try {
            return workers.claim(caller, request).map(runs -> Map.of("runs", runs))
                    .onTermination().invoke(permit::release);
        } catch (RuntimeException e) {
            permit.release();
            throw e;
        }
    }

    /** Reports on a run under its lease, renewing the lease; the answer says what the run is asked to do. */
    @POST
    @Path("runs/{id}/report")
    public Uni<ReportAnswer> report(@PathParam("id") String id, @Context SecurityContext security,
            ReportRequest request) {
        return workers.report(Caller.of(security), Params.uuid("id", id), request);
    }

    /** Ends the attempt completed, with its metrics. */
    @POST
    @Path("runs/{id}/complete")
    public Uni<Run> complete(@PathParam("id") String id, @Context SecurityContext security, EndRequest request) {
        return end(id, security, request, WorkerService.Outcome.COMPLETE);
    }

    /** Ends the attempt failed: retried as the job's policy says, unless not retryable or out of attempts. */
    @POST
    @Path("runs/{id}/fail")
    public Uni<Run> fail(@PathParam("id") String id, @Context SecurityContext security, EndRequest request) {
        return end(id, security, request, WorkerService.Outcome.FAIL);
    }

    /** Ends the attempt and brings the run back after a delay, with one attempt more. */
    @POST
    @Path("runs/{id}/snooze")
    public Uni<Run> snooze(@PathParam("id") String id, @Context SecurityContext security, EndRequest request) {
        return end(id, security, request, WorkerService.Outcome.SNOOZE);
    }

    /**
     * Ends the attempt as a wait for other runs ({@code children}): the run comes back, with one attempt more, once
     * they have all ended, and its claim carries them as {@code dependencies}.
     */
    @POST
    @Path("runs/{id}/wait")
    public Uni<Run> waitFor(@PathParam("id") String id, @Context SecurityContext security, EndRequest request) {
        return end(id, security, request, WorkerService.Outcome.WAIT);
    }

    /**
     * Triggers a child of the run under its lease: a run of a job the token names, in the run's workspace, whose
     * parent is the run; the same key again answers the same child.
     */
    @POST
    @Path("runs/{id}/children")
    public Uni<Map<String, UUID>> child(@PathParam("id") String id, @Context SecurityContext security,
            ChildRequest request) {
        return workers.child(Caller.of(security), Params.uuid("id", id), request)
                .map(child -> Map.of("run_id", child));
    }

    /** Ends the run cancelled, as a cancel asked of it. */
    @POST
    @Path("runs/{id}/cancelled")
    public Uni<Run> cancelled(@PathParam("id") String id, @Context SecurityContext security, EndRequest request) {
        return end(id, security, request, WorkerService.Outcome.CANCELLED);
    }

    /**
     * Ends several attempts in one call (at most {@value WorkerService#MAX_ENDS}), each as its own call would; the
     * answer holds one result per end, in order.
     */
    @POST
    @Path("runs/ends")
    public Uni<Map<String, List<EndResult>>> ends(@Context SecurityContext security, EndsRequest request) {
        return workers.ends(Caller.of(security), request)
                .map(outcomes -> Map.of("results", outcomes.stream().map(WorkerResource::result).toList()));
    }

    /** An end's answer: 200 with the run's status, or the status, reason and detail of the problem it met. */
    private static EndResult result(EndOutcome outcome) {
        if (outcome.refusal() == null) {
            return EndResult.ended(outcome.run());
        }
        ApiException problem = ApiException.from(outcome.refusal());
        Object reason = problem.extensions().get("reason");
        return new EndResult(outcome.runId(), problem.status(), null, reason == null ? null : reason.toString(),
                problem.getMessage());
    }

    private Uni<Run> end(String id, SecurityContext security, EndRequest request, WorkerService.Outcome outcome) {
        return workers.end(Caller.of(security), Params.uuid("id", id), outcome, request);
    }
}
