package dev.jobstream.pg;

import java.time.Duration;
import java.time.Instant;

import jakarta.inject.Singleton;

/**
 * Since when this replica has reached PostgreSQL without a break, as its own statements and its LISTEN connection
 * see it. The sweeper declares runs stale only once the database has been reachable for stale-after: after an outage
 * every replica first gets that long to heartbeat its runs again.
 */
@Singleton
public class Connectivity {

    /** Null while the database is out of reach. */
    private volatile Instant since = Instant.now();

    /** A statement or the LISTEN connection failed: the database is out of reach. */
    public void lost() {
        since = null;
    }

    /** A statement succeeded: reachable, since now if it was not before. */
    public void reached() {
        if (since == null) {
            since = Instant.now();
        }
    }

    /** A connection was (re)established: reachable since now (what happened before may have been missed). */
    public void reconnected() {
        since = Instant.now();
    }

    /** True if, at {@code at}, the database has been reachable without a break for at least {@code period}. */
    public boolean steadyFor(Duration period, Instant at) {
        Instant from = since;
        return from != null && !at.isBefore(from.plus(period));
    }

}
