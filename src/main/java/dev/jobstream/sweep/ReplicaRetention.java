package dev.jobstream.sweep;

import java.time.Instant;

import jakarta.inject.Singleton;

import dev.jobstream.replica.ReplicaService;
import io.smallrye.mutiny.Uni;

/** Replicas (and workers) gone longer than their retention leave the replicas' table. */
@Singleton
public class ReplicaRetention implements MaintenanceTask {

    private final ReplicaService replicas;

    ReplicaRetention(ReplicaService replicas) {
        this.replicas = replicas;
    }

    @Override
    public String name() {
        return "the replicas' retention";
    }

    @Override
    public int order() {
        return 50;
    }

    @Override
    public Uni<Integer> runOnce(Instant at) {
        return replicas.deleteExpired(at == null ? Instant.now() : at);
    }
}
