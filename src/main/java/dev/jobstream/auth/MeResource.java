package dev.jobstream.auth;

import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

/** {@code GET /v1/me}: who the bearer token stands for, so that a client (the console) can show what it may do. */
@Path("/v1/me")
@Produces(MediaType.APPLICATION_JSON)
public class MeResource {

    /** The caller's name, its role and the roles that role includes (sorted), its workspaces (null: all). */
    public record Me(String name, List<String> roles, List<UUID> workspaces) {
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    public Me me(@Context SecurityContext security) {
        Caller caller = Caller.of(security);
        return new Me(caller.name(), caller.roles().stream().sorted().toList(),
                caller.workspaces() == null ? null : caller.workspaces().stream().sorted().toList());
    }
}
