package dev.jobstream.run.service;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

import io.smallrye.mutiny.Uni;

/** Lets a request wait for the end of a run: engines of this replica signal it; other replicas' runs are polled. */
@Singleton
public class RunWaiters {

    private final ConcurrentHashMap<UUID, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();

    /** An engine of this replica stored the end of the run. */
    public void ended(UUID runId) {
        CompletableFuture<Void> signal = waiting.remove(runId);
        if (signal != null) {
            signal.complete(null);
        }
    }

    /** Completes when the run is signalled as ended, or after {@code max}, whichever comes first. */
    Uni<Void> signalOrTimeout(UUID runId, Duration max) {
        CompletableFuture<Void> signal = waiting.computeIfAbsent(runId, id -> new CompletableFuture<>());
        return Uni.createFrom().completionStage(signal)
                .ifNoItem().after(max).recoverWithItem(() -> {
                    waiting.remove(runId, signal);
                    return null;
                });
    }
}
