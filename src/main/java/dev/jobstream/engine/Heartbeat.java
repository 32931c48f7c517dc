package dev.jobstream.engine;

import java.util.List;
import java.util.UUID;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/** Refreshes {@code heartbeat_at} of every run this replica executes, in one statement, with the database clock. */
@Singleton
public class Heartbeat {

    private static final Logger LOG = Logger.getLogger(Heartbeat.class);

    private final EngineRegistry registry;
    private final ExecutionRepository repository;
    private final Instance instance;

    Heartbeat(EngineRegistry registry, ExecutionRepository repository, Instance instance) {
        this.registry = registry;
        this.repository = repository;
        this.instance = instance;
    }

    @Scheduled(every = "${jobstream.heartbeat-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> beat() {
        List<UUID> runs = registry.executingRunIds();
        if (runs.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return repository.heartbeat(runs, instance.id()).replaceWithVoid()
                .onFailure().invoke(f -> LOG.warnf("Heartbeat of %d runs failed: %s", runs.size(), f.getMessage()))
                .onFailure().recoverWithNull();
    }
}
