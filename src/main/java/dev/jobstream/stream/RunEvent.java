package dev.jobstream.stream;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonRawValue;

import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;

/**
 * One stored event of a run: {@code id} is its sequence number within the run. {@code data} is the JSON text as
 * stored, encoded once and sent as it is to every subscriber.
 */
public record RunEvent(@JsonIgnore UUID runId, int id, String event, @JsonRawValue String data, Instant createdAt,
        @JsonIgnore Buffer frame) {

    static RunEvent from(Row row) {
        int seq = row.getInteger("seq");
        String event = row.getString("event");
        String data = row.getString("data");
        return new RunEvent(row.getUUID("run_id"), seq, event, data, row.getOffsetDateTime("created_at").toInstant(),
                frame(seq, event, data));
    }

    /** The event in the SSE wire format, encoded once for all subscribers (jsonb text holds no line breaks). */
    private static Buffer frame(int seq, String event, String data) {
        return Buffer.buffer("id: " + seq + "\nevent: " + event + "\ndata: " + data + "\n\n");
    }

    public boolean isEnd() {
        return "end_json".equals(event);
    }
}
