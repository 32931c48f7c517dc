package dev.jobstream.webhook;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.vertx.core.json.JsonArray;
import io.vertx.mutiny.sqlclient.Row;

/**
 * A delivery of a run's end to its webhook, as the API shows it: {@code run_attempt} is the attempt of the run that
 * ended; {@code status} {@code pending} (its next attempt at {@code next_attempt_at}), {@code delivered} or
 * {@code failed} (for good); {@code attempts} each attempt: {@code attempt}, {@code at}, {@code http_status} (null
 * without an answer), {@code error} (null for a 2xx) and {@code duration_ms}.
 */
public record Delivery(UUID id, int runAttempt, String webhook, String status, Instant nextAttemptAt,
        Instant createdAt, Instant finishedAt, List<Map<String, Object>> attempts) {

    @SuppressWarnings("unchecked")
    static Delivery from(Row row) {
        String status = row.getString("status");
        List<Map<String, Object>> attempts = new JsonArray(row.getString("attempts_log")).stream()
                .map(entry -> ((io.vertx.core.json.JsonObject) entry).getMap()).toList();
        return new Delivery(row.getUUID("id"), row.getInteger("run_attempt"), row.getString("webhook"), status,
                "pending".equals(status) ? instant(row, "next_at") : null, instant(row, "created_at"),
                instant(row, "finished_at"), attempts);
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
