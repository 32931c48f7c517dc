package dev.jobstream.replica;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

import dev.jobstream.auth.Caller;
import dev.jobstream.auth.Roles;
import io.smallrye.mutiny.Uni;

/**
 * {@code GET /v1/replicas}: every replica sharing the database, running ones first: its version, when it started,
 * its last heartbeat, whether it is up, lost or stopped, its engines busy out of its maximum, the attempts it ended
 * since it started and the runs it executes now.
 */
@Path("/v1/replicas")
@Produces(MediaType.APPLICATION_JSON)
public class ReplicaResource {

    private final ReplicaService replicas;

    ReplicaResource(ReplicaService replicas) {
        this.replicas = replicas;
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    public Uni<ReplicaService.Replicas> list(@Context SecurityContext security) {
        return replicas.list(Caller.of(security));
    }
}
