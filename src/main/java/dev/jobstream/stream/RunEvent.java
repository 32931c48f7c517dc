package dev.jobstream.stream;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonRawValue;

import io.vertx.mutiny.sqlclient.Row;

/**
 * One stored event of a run: {@code id} is its sequence number within the run. {@code data} is the JSON text as
 * stored, encoded once and sent as it is to every subscriber.
 */
public record RunEvent(@JsonIgnore UUID runId, int id, String event, @JsonRawValue String data, Instant createdAt) {

    static RunEvent from(Row row) {
        return new RunEvent(row.getUUID("run_id"), row.getInteger("seq"), row.getString("event"),
                row.getString("data"), row.getOffsetDateTime("created_at").toInstant());
    }

    public boolean isEnd() {
        return "end_json".equals(event);
    }
}
