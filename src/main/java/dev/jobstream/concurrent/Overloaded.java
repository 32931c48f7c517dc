package dev.jobstream.concurrent;

/** A bounded queue is full: the caller is asked to come back later rather than be held in memory. */
public final class Overloaded extends RuntimeException {

    public Overloaded(String message) {
        super(message, null, false, false);
    }
}
