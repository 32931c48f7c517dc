package dev.jobstream.spi;

import java.util.regex.Pattern;

/**
 * A failure a job reports on purpose, with an error code of its own ({@code error_code} of the run, e.g.
 * {@code invalid_input}) and whether another attempt could succeed. Any other exception is a failure with code
 * {@code job_failed} that the job's {@link RetryPolicy} retries.
 */
public class JobFailure extends RuntimeException {

    private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    private final String code;
    private final boolean retryable;

    public JobFailure(String code, String message, boolean retryable) {
        super(message, null, false, false);
        this.code = code != null && CODE.matcher(code).matches() ? code : "job_failed";
        this.retryable = retryable;
    }

    /** A failure that no retry would fix (bad input, a missing record): the run fails at once. */
    public static JobFailure permanent(String code, String message) {
        return new JobFailure(code, message, false);
    }

    /** A failure another attempt may get past; retried as the job's policy says. */
    public static JobFailure retryable(String code, String message) {
        return new JobFailure(code, message, true);
    }

    /** The run's {@code error_code}: lower-case letters, digits and '_', starting with a letter. */
    public String code() {
        return code;
    }

    public boolean retryable() {
        return retryable;
    }
}
