package dev.jobstream.refusal;

/** The caller may not do this here: a workspace outside its own, a job it does not serve. */
public final class Forbidden extends Refusal {

    public Forbidden(String message) {
        super(message);
    }
}
