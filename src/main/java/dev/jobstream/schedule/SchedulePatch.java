package dev.jobstream.schedule;

import java.util.Map;

/**
 * Body of {@code PATCH /v1/schedules/{id}}: the fields to change ({@code webhook} {@code ""}: none of its own any more);
 * a schedule declared in code takes only enabled.
 */
public record SchedulePatch(String cron, String timeZone, Map<String, Object> params, Integer priority,
        Boolean enabled, String webhook) {
}
