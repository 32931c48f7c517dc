package dev.jobstream.stats;

import java.time.Instant;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

import dev.jobstream.auth.Caller;
import dev.jobstream.auth.Roles;
import io.smallrye.mutiny.Uni;

/** The system at a glance: active runs now, ends per bucket and per job over a window. */
@Path("/v1/stats")
@Produces(MediaType.APPLICATION_JSON)
public class StatsResource {

    private final StatsService stats;

    StatsResource(StatsService stats) {
        this.stats = stats;
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    public Uni<StatsService.Stats> get(@QueryParam("window") String window, @QueryParam("bucket") String bucket,
            @Context SecurityContext security) {
        Instant now = Instant.now();
        return stats.stats(StatsWindow.of(window, bucket, now), Caller.of(security).workspaces(), now);
    }
}
