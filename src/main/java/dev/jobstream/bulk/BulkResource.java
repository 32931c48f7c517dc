package dev.jobstream.bulk;

import java.net.URI;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import dev.jobstream.auth.Caller;
import dev.jobstream.auth.Roles;
import io.smallrye.mutiny.Uni;

/**
 * {@code POST /v1/runs/bulk}: retry the failed runs, or cancel the queued ones, that a filter selects. A dry run
 * answers 200 and how many it selects; otherwise 202, the count and the bulk run that acts on them (its progress,
 * log and result are those of any run: {@code GET /v1/runs/{id}}, its events), with its URL in {@code Location}.
 */
@Path("/v1/runs/bulk")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class BulkResource {

    private final BulkService bulk;

    BulkResource(BulkService bulk) {
        this.bulk = bulk;
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    public Uni<Response> submit(BulkRequest request, @Context SecurityContext security) {
        return bulk.submit(request, Caller.of(security)).map(done -> done.run() == null
                ? Response.ok(done).build()
                : Response.accepted(done).location(URI.create("/v1/runs/" + done.run().id())).build());
    }
}
