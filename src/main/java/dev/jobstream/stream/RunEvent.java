package dev.jobstream.stream;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonRawValue;

import io.vertx.core.buffer.Buffer;

/**
 * One event of a run: {@code id} is its sequence number within the run. {@code data} is its JSON text, encoded once
 * and sent as it is to every subscriber.
 */
public record RunEvent(@JsonIgnore UUID runId, int id, String event, @JsonRawValue String data, Instant createdAt,
        @JsonIgnore Buffer frame) {

    /** The event {@code seq} of the run, {@code data} its JSON text (one line). */
    public static RunEvent of(UUID runId, int seq, String event, String data, Instant createdAt) {
        return new RunEvent(runId, seq, event, data, createdAt, frame(seq, event, data));
    }

    /** The event in the SSE wire format, encoded once for all subscribers (jsonb text holds no line breaks). */
    private static Buffer frame(int seq, String event, String data) {
        return Buffer.buffer("id: " + seq + "\nevent: " + event + "\ndata: " + data + "\n\n");
    }

    public boolean isEnd() {
        return "end_json".equals(event);
    }
}
