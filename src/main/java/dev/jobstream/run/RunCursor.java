package dev.jobstream.run;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;

import dev.jobstream.refusal.Invalid;

/** The opaque position after a run in the newest-first list: its (created_at, id), base64url-encoded. */
public record RunCursor(Instant createdAt, UUID id) {

    private static final String PREFIX = "r1:";
    /** The latest time a cursor may hold, in microseconds since the epoch: 9999-12-31T23:59:59.999999Z. */
    private static final long MAX_MICROS = 253_402_300_799_999_999L;

    public static RunCursor after(Run run) {
        return new RunCursor(run.createdAt(), run.id());
    }

    public String encode() {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, createdAt);
        String plain = PREFIX + micros + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes a cursor given by a client; anything this service did not issue is invalid. */
    public static RunCursor decode(String cursor) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!plain.startsWith(PREFIX)) {
                throw new IllegalArgumentException("prefix");
            }
            String[] parts = plain.substring(PREFIX.length()).split(":", 2);
            long micros = Long.parseLong(parts[0]);
            if (micros < 0 || micros > MAX_MICROS) {
                throw new IllegalArgumentException("time");
            }
            UUID id = UUID.fromString(parts[1]);
            if (!id.toString().equals(parts[1])) {
                throw new IllegalArgumentException("uuid");
            }
            return new RunCursor(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), id);
        } catch (RuntimeException e) {
            throw new Invalid("Invalid 'cursor': use the next_cursor of a previous page");
        }
    }
}
