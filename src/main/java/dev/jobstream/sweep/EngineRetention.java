package dev.jobstream.sweep;

import java.time.Instant;

import jakarta.inject.Singleton;

import dev.jobstream.config.JobstreamConfig;
import dev.jobstream.engine.EngineRegistry;
import io.smallrye.mutiny.Uni;

/** This replica's engines that stopped longer than {@code jobstream.engines.retention} ago leave its registry. */
@Singleton
public class EngineRetention implements MaintenanceTask {

    private final EngineRegistry engines;
    private final JobstreamConfig config;
    private final SweepActions actions;

    EngineRetention(EngineRegistry engines, JobstreamConfig config, SweepActions actions) {
        this.engines = engines;
        this.config = config;
        this.actions = actions;
    }

    @Override
    public String name() {
        return "stopped engines";
    }

    @Override
    public int order() {
        return 20;
    }

    @Override
    public boolean essential() {
        return true;
    }

    @Override
    public Uni<Integer> runOnce(Instant at) {
        int forgotten = engines.forgetStopped((at == null ? Instant.now() : at).minus(config.engines().retention()));
        actions.count("engines_forgotten", forgotten);
        return Uni.createFrom().item(forgotten);
    }
}
