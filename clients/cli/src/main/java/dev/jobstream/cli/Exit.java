package dev.jobstream.cli;

/**
 * The exit statuses of {@code jobstream}. A command that follows a run exits with the run's outcome; a fault exits
 * with a code of {@code sysexits.h}, above picocli's own 1 and 2 and the outcomes.
 */
final class Exit {

    /** The run completed; or the command did what it was asked. */
    static final int COMPLETED = 0;
    /** The run failed. */
    static final int FAILED = 1;
    /** The run was cancelled. */
    static final int CANCELLED = 2;
    /** The run was skipped (a schedule's tick whose exclusive slot was taken): it never ran. */
    static final int SKIPPED = 3;
    /** The command line is wrong: an unknown command or option, a missing or malformed value (EX_USAGE). */
    static final int USAGE = 64;
    /** The service refused the request: a 400, 409, 413… problem (EX_DATAERR). */
    static final int REFUSED = 65;
    /** The job or run named does not exist: a 404 problem (EX_NOINPUT). */
    static final int NOT_FOUND = 66;
    /** The service cannot be reached, answers 5xx or 429, or a stream stayed closed (EX_UNAVAILABLE). */
    static final int UNAVAILABLE = 69;
    /** A fault of jobstream's own (EX_SOFTWARE). */
    static final int SOFTWARE = 70;
    /** No token, a token file that cannot be read, or a token refused: a 401 or 403 problem (EX_NOPERM). */
    static final int NO_PERMISSION = 77;

    /** The exit codes as {@code --help} lists them. */
    static final String[] HELP = {
            "  0   done; a run followed completed",
            "  1   a run followed failed",
            "  2   a run followed was cancelled",
            "  3   a run followed was skipped",
            " 64   usage: an unknown command or option, a missing or malformed value",
            " 65   the service refused the request (400, 409, …)",
            " 66   not found: no such job or run (404)",
            " 69   unavailable: no connection, 5xx or 429",
            " 70   an internal error",
            " 77   no token, or the token was refused (401, 403)" };

    private Exit() {
    }

    /** The exit status of a run that ended in {@code status}; {@link #SOFTWARE} for a run still active. */
    static int ofOutcome(String status) {
        return switch (status) {
            case "completed" -> COMPLETED;
            case "failed" -> FAILED;
            case "cancelled" -> CANCELLED;
            case "skipped" -> SKIPPED;
            default -> SOFTWARE;
        };
    }

    /** The exit status of a problem the service answered with HTTP {@code status}. */
    static int ofProblem(int status) {
        if (status == 401 || status == 403) {
            return NO_PERMISSION;
        }
        if (status == 404) {
            return NOT_FOUND;
        }
        if (status == 429 || status >= 500) {
            return UNAVAILABLE;
        }
        return REFUSED;
    }
}
