package dev.jobstream.engine;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

import dev.jobstream.auth.Allow;
import dev.jobstream.auth.Caller;
import dev.jobstream.auth.Role;
import dev.jobstream.config.JobstreamConfig;

/** This replica's engines: those executing now, then those that stopped within the retention. */
@Path("/v1/engines")
@Produces(MediaType.APPLICATION_JSON)
public class EngineResource {

    private final EngineRegistry registry;
    private final Instance instance;
    private final JobstreamConfig config;

    EngineResource(EngineRegistry registry, Instance instance, JobstreamConfig config) {
        this.registry = registry;
        this.instance = instance;
        this.config = config;
    }

    /** {@code {"instance", "max", "running", "stopped", "engines": [...]}}. */
    public record Engines(String instance, int max, long running, int stopped,
            List<EngineRegistry.EngineInfo> engines) {
    }

    @GET
    @Allow(Role.VIEWER)
    public Engines list(@Context SecurityContext security) {
        Caller caller = Caller.of(security);
        List<EngineRegistry.EngineInfo> engines = registry.list().stream()
                .filter(e -> caller.sees(e.workspaceId())).toList();
        long running = engines.stream().filter(e -> !"stopped".equals(e.state())).count();
        return new Engines(instance.id(), config.engines().max(), running, engines.size() - (int) running,
                engines);
    }
}
