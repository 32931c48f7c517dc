package dev.jobstream.stream;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;

import io.vertx.mutiny.sqlclient.Row;

/** One stored event of a run: {@code id} is its sequence number within the run. */
public record RunEvent(@JsonIgnore UUID runId, int id, String event, Map<String, Object> data, Instant createdAt) {

    static RunEvent from(Row row) {
        return new RunEvent(row.getUUID("run_id"), row.getInteger("seq"), row.getString("event"),
                row.getJsonObject("data").getMap(), row.getOffsetDateTime("created_at").toInstant());
    }
}
