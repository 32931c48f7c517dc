package dev.jobstream.refusal;

/** What the request names does not exist, or not for the caller (a run outside its workspaces looks absent). */
public final class NotFound extends Refusal {

    public NotFound(String message) {
        super(message);
    }
}
