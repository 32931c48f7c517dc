package dev.jobstream.run;

import java.util.UUID;

/**
 * Run ids: UUID version 7 (RFC 9562), whose first 48 bits are the Unix time in milliseconds. Runs made close in time
 * get ids close in the primary key and in the key of their events, so inserts append to the right of those indexes
 * instead of touching a random page each (and writing it whole to the WAL after each checkpoint); the other 74 bits
 * are random (from {@link UUID#randomUUID()}, a strong source), so ids stay unguessable.
 */
public final class RunIds {

    private RunIds() {
    }

    /** A new run id made at {@code epochMillis}. */
    public static UUID next(long epochMillis) {
        UUID random = UUID.randomUUID();
        long high = (epochMillis << 16) | 0x7000L | (random.getMostSignificantBits() & 0x0FFFL);
        return new UUID(high, random.getLeastSignificantBits()); // variant bits: those of the random UUID (RFC 4122)
    }

    /** A new run id made now. */
    public static UUID next() {
        return next(System.currentTimeMillis());
    }
}
