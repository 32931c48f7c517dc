package dev.jobstream.spi;

import java.util.UUID;

/**
 * Who may act for a run right now: the run and its attempt. A run is executed by one attempt at a time; when a
 * replica loses a run (it went silent and the run was requeued, or it was force-cancelled), the next attempt has a
 * higher number. A job that writes to another system can pass its token along, and that system can refuse writes
 * of an attempt lower than the highest it has seen.
 */
public record FencingToken(UUID runId, int attempt) {
}
