package dev.jobstream.client;

import java.util.UUID;

/**
 * One item of a batch trigger, in the order given: {@code status} 202 (created), 200 (the run of a repeated
 * idempotency key) with its {@code run}, or 409 (the job is exclusive and {@code activeRunId} holds its place) with
 * {@code reason} and {@code detail}.
 */
public record BatchResult(int status, Run run, String reason, UUID activeRunId, String detail) {
}
