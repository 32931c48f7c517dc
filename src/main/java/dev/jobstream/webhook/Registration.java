package dev.jobstream.webhook;

/** A webhook as a {@code PUT} left it, and whether that created it (its answer then carries the secret). */
public record Registration(Webhook webhook, boolean created) {
}
