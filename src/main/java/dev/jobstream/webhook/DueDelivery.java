package dev.jobstream.webhook;

import java.time.Instant;
import java.util.UUID;

import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;

/**
 * A delivery this replica claimed: the run's summary to send, the claim's number ({@code attempt}: its fence), and
 * the webhook's URL and secret as they are now (null when the webhook was deleted since the run named it).
 */
record DueDelivery(UUID id, UUID runId, String webhook, String payload, int attempt, Instant createdAt, String url,
        String secret) {

    static DueDelivery from(Row row) {
        return new DueDelivery(row.getUUID("id"), row.getUUID("run_id"), row.getString("webhook"),
                row.getString("payload"), row.getInteger("attempts"),
                row.getOffsetDateTime("created_at").toInstant(), row.getString("url"), row.getString("secret"));
    }

    /** The body POSTed, the same at every attempt: the event, the delivery's id, and the run's summary. */
    String body() {
        return new JsonObject().put("type", "run.ended").put("id", id.toString())
                .put("created_at", createdAt.toString()).put("run", new JsonObject(payload)).encode();
    }
}
