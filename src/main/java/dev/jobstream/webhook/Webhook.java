package dev.jobstream.webhook;

import java.time.Instant;
import java.time.OffsetDateTime;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.vertx.mutiny.sqlclient.Row;

/**
 * A registered webhook as the API shows it: where its deliveries are POSTed, and who changed it last. {@code secret}
 * is shown once, in the answer of the request that made it (a creation or a rotation), and left out of every other.
 */
public record Webhook(String name, String url, String description, Instant createdAt, Instant updatedAt,
        String updatedBy, Instant secretRotatedAt, @JsonInclude(JsonInclude.Include.NON_NULL) String secret) {

    static Webhook from(Row row) {
        return new Webhook(row.getString("name"), row.getString("url"), row.getString("description"),
                instant(row, "created_at"), instant(row, "updated_at"), row.getString("updated_by"),
                instant(row, "secret_rotated_at"), row.getColumnIndex("secret") >= 0 ? row.getString("secret") : null);
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
