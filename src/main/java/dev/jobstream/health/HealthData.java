package dev.jobstream.health;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import dev.jobstream.engine.EngineRegistry;
import dev.jobstream.engine.LocalReplica;
import dev.jobstream.sweep.Sweeper;

/** The data every probe carries: this replica, its engines and its sweeper. */
@Singleton
public class HealthData {

    private final EngineRegistry engines;
    private final Sweeper sweeper;
    private final LocalReplica replica;

    HealthData(EngineRegistry engines, Sweeper sweeper, LocalReplica replica) {
        this.engines = engines;
        this.sweeper = sweeper;
        this.replica = replica;
    }

    /** Adds instance, engines and sweeper data to a response. */
    HealthCheckResponseBuilder add(HealthCheckResponseBuilder builder) {
        Instant swept = sweeper.lastSwept();
        builder.withData("evaluated_at", Instant.now().toString())
                .withData("instance", replica.id())
                .withData("engines_running", engines.all().size())
                .withData("engines_stopped", engines.stoppedCount())
                .withData("last_sweep", swept == null ? "never" : swept.toString());
        if (sweeper.lastFailure() != null) {
            builder.withData("last_sweep_error", sweeper.lastFailure());
        }
        return builder;
    }

    /** healthy, or degraded (still UP) when unresolved critical errors exist or the last sweep failed. */
    String status(Map<String, Long> unresolved) {
        boolean critical = unresolved.getOrDefault("critical", 0L) > 0;
        return critical || sweeper.lastFailure() != null ? "degraded" : "healthy";
    }

    static Map<String, Long> sorted(Map<String, Long> counts) {
        return new TreeMap<>(counts);
    }
}
