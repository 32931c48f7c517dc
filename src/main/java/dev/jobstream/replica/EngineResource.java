package dev.jobstream.replica;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

import dev.jobstream.auth.Caller;
import dev.jobstream.auth.Roles;
import dev.jobstream.config.JobstreamConfig;
import dev.jobstream.engine.EngineRegistry;
import dev.jobstream.engine.LocalReplica;

/**
 * This replica's engines (those executing now, then those that stopped within the retention) and the workers outside
 * the service (each with its last contact, until the same retention after it).
 */
@Path("/v1/engines")
@Produces(MediaType.APPLICATION_JSON)
public class EngineResource {

    private final EngineRegistry registry;
    private final LocalReplica replica;
    private final JobstreamConfig config;
    private final ReplicaService replicas;

    EngineResource(EngineRegistry registry, LocalReplica replica, JobstreamConfig config, ReplicaService replicas) {
        this.registry = registry;
        this.replicas = replicas;
        this.replica = replica;
        this.config = config;
    }

    /** {@code {"instance", "max", "running", "stopped", "engines": [...], "workers": [...]}}. */
    public record Engines(String instance, int max, long running, int stopped,
            List<EngineRegistry.EngineInfo> engines, List<ReplicaService.Worker> workers) {
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    public Engines list(@Context SecurityContext security) {
        Caller caller = Caller.of(security);
        List<EngineRegistry.EngineInfo> engines = registry.list().stream()
                .filter(e -> caller.sees(e.workspaceId())).toList();
        long running = engines.stream().filter(e -> !"stopped".equals(e.state())).count();
        return new Engines(replica.id(), config.engines().max(), running, engines.size() - (int) running, engines,
                replicas.workers(caller));
    }
}
