package dev.jobstream.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One event of a run: {@code seq} is its number within the run (1, 2, 3…, the SSE {@code id}); {@code event} its
 * type ({@code start_json}, {@code log}, {@code progress_json}, {@code state_json}, …, {@code end_json}); {@code data}
 * its JSON.
 */
public record RunEvent(int seq, String event, JsonNode data) {

    /** The run's last event: nothing follows it. */
    public boolean isEnd() {
        return "end_json".equals(event);
    }
}
