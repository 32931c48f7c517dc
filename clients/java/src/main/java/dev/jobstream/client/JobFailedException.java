package dev.jobstream.client;

/** Fails the attempt with an error code (lower_snake) and says whether another attempt may follow. */
public class JobFailedException extends Exception {

    private final String code;
    private final boolean retryable;

    public JobFailedException(String message, String code, boolean retryable) {
        super(message);
        this.code = code;
        this.retryable = retryable;
    }

    public String code() {
        return code;
    }

    public boolean retryable() {
        return retryable;
    }
}
