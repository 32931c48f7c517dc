package dev.jobstream.pg;

import io.vertx.sqlclient.DatabaseException;

/** What a failed statement says about itself: whether its input was at fault, or the database or the network. */
public final class PgErrors {

    private PgErrors() {
    }

    /**
     * True when PostgreSQL refused a value of the statement (SQLSTATE class 22 data exception, 23 integrity
     * constraint violation, 54 program limit exceeded): the same statement will fail again, while one without that
     * value would succeed. False for connection failures, timeouts and everything else, which a retry may cure.
     */
    public static boolean isDataError(Throwable failure) {
        if (failure instanceof DatabaseException database && database.getSqlState() != null) {
            String state = database.getSqlState();
            return state.startsWith("22") || state.startsWith("23") || state.startsWith("54");
        }
        return false;
    }

    /** True when the statement hit a unique index (SQLSTATE 23505). */
    public static boolean isUniqueViolation(Throwable failure) {
        return failure instanceof DatabaseException database && "23505".equals(database.getSqlState());
    }

    /**
     * True when PostgreSQL rolled the statement back to break a deadlock (40P01) or a serialization conflict (40001):
     * the same statement, sent again, succeeds.
     */
    public static boolean isTransient(Throwable failure) {
        return failure instanceof DatabaseException database
                && ("40P01".equals(database.getSqlState()) || "40001".equals(database.getSqlState()));
    }

    /** The database's message of a failure, or its class name. */
    public static String message(Throwable failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }
}
