package dev.jobstream.cli;

/** A fault the command line reports as one line on stderr, with its exit status: no stack trace. */
final class Failure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    Failure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
