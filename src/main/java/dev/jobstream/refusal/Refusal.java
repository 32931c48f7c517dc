package dev.jobstream.refusal;

/**
 * A request the service does not carry out, and why, in the domain's words: services, stores and the core throw one
 * of its kinds and know nothing of HTTP; the edges answer each kind in HTTP (the problem mapper: a problem+json with
 * its status). The message is for the client: it says what was refused and why.
 */
public abstract sealed class Refusal extends RuntimeException
        permits Invalid, NotFound, Forbidden, Conflict, RetryLater {

    Refusal(String message) {
        super(message, null, false, false);
    }
}
