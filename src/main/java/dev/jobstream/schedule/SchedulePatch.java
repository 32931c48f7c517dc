package dev.jobstream.schedule;

import java.util.Map;

/** Body of {@code PATCH /v1/schedules/{id}}: the fields to change; a schedule declared in code takes only enabled. */
public record SchedulePatch(String cron, String timeZone, Map<String, Object> params, Integer priority,
        Boolean enabled) {
}
