package dev.jobstream.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Server-sent events read from a response body, as the HTML standard parses them: {@code field: value} lines, an
 * empty line ends an event, {@code :} starts a comment; {@code id} carries over to the events that follow,
 * {@code retry} sets the reconnection delay.
 */
final class SseReader implements AutoCloseable {

    /** One event: {@code id} is the last event id seen (null before any), {@code data} its lines joined by '\n'. */
    record Event(String id, String event, String data) {
    }

    private final BufferedReader lines;
    private String lastId;
    private long retryMillis;

    SseReader(InputStream body, long retryMillis) {
        this.lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        this.retryMillis = retryMillis;
    }

    /** The reconnection delay: the last {@code retry} the server sent, or the one given. */
    long retryMillis() {
        return retryMillis;
    }

    /** The next event; null when the server closed the stream. */
    Event next() throws IOException {
        String event = null;
        StringBuilder data = null;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.isEmpty()) {
                if (data != null) {
                    return new Event(lastId, event == null ? "message" : event, data.toString());
                }
                event = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + (line.startsWith(" ", colon + 1) ? 2 : 1));
            switch (field) {
                case "event" -> event = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                case "id" -> lastId = value.indexOf('\0') < 0 ? value : lastId;
                case "retry" -> {
                    if (!value.isEmpty() && value.chars().allMatch(Character::isDigit) && value.length() < 10) {
                        retryMillis = Long.parseLong(value);
                    }
                }
                default -> {
                    // an unknown field is ignored
                }
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
