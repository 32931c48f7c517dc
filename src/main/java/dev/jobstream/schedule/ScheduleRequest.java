package dev.jobstream.schedule;

import java.util.Map;
import java.util.UUID;

/**
 * Body of {@code POST /v1/schedules}: {@code job} and {@code cron} are required; {@code time_zone} defaults to UTC,
 * {@code workspace_id} to the global workspace (the system one for a system job), {@code enabled} to true;
 * {@code webhook}, a registered webhook its runs call when they end, to the job's.
 */
public record ScheduleRequest(String job, UUID workspaceId, String cron, String timeZone, Map<String, Object> params,
        Integer priority, Boolean enabled, String webhook) {
}
