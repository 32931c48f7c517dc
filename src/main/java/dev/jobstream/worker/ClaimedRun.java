package dev.jobstream.worker;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.jobstream.spi.Dependency;

/**
 * A run a worker claimed: what it needs to execute it, and its lease — the token to send with every report, and
 * when the lease expires unless a report renews it. Reports are numbered from 1 within a claim. {@code traceparent}
 * is the W3C trace context of the run's trigger (null if it had none): a worker that traces continues it.
 * {@code parentId} is the run whose job triggered this one (null: none); {@code dependencies} are the runs this one
 * waited for — its trigger's {@code depends_on}, the children an earlier attempt waited for — as they ended (empty: it
 * waited for none).
 */
public record ClaimedRun(UUID runId, String job, UUID workspaceId, Map<String, Object> params, boolean dryRun,
        int attempt, int maxAttempts, String correlationId, String traceparent, Long timeoutMs, LeaseView lease,
        UUID parentId, List<Dependency> dependencies) {

    /** A lease as the API shows it. */
    public record LeaseView(String token, Instant expiresAt) {
    }
}
