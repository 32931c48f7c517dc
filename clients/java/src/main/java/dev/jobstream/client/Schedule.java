package dev.jobstream.client;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A schedule as {@code GET /v1/schedules} shows it: its job fires on {@code cron} in {@code timeZone} with
 * {@code params} (a JSON object) in {@code workspaceId}; {@code nextFireTimes} are its next ticks (none while it is
 * disabled); {@code lastRunStatus} is the display status of the run of its last tick (null before its first tick);
 * {@code source} is {@code code} (declared by its job) or {@code api}.
 */
public record Schedule(UUID id, String job, UUID workspaceId, String cron, String timeZone, JsonNode params,
        int priority, boolean enabled, Instant nextFireAt, Instant lastFiredAt, UUID lastRunId, String lastRunStatus,
        String source, String createdBy, Instant createdAt, Instant updatedAt, List<Instant> nextFireTimes) {
}
