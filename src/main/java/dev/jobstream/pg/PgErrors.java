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

    /**
     * True when the failure is the database being out of reach rather than anything the statement did: no connection
     * (refused, reset, closed, timed out, the pool waiting in vain), or PostgreSQL shutting down or starting up
     * (SQLSTATE class 08, 57P01–57P03). The same request succeeds once it is back.
     */
    public static boolean isUnreachable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof java.net.ConnectException || cause instanceof java.nio.channels.ClosedChannelException
                    || cause instanceof io.vertx.sqlclient.ClosedConnectionException
                    || cause instanceof io.netty.channel.ConnectTimeoutException
                    || cause instanceof java.net.SocketException) {
                return true;
            }
            if (cause instanceof DatabaseException database && database.getSqlState() != null) {
                String state = database.getSqlState();
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                        || state.equals("57P03")) {
                    return true;
                }
            }
            if (cause instanceof io.vertx.core.impl.NoStackTraceThrowable && cause.getMessage() != null
                    && cause.getMessage().startsWith("Timeout")) {
                return true; // the pool's wait for a connection
            }
        }
        return false;
    }

    /** The database's message of a failure, or its class name. */
    public static String message(Throwable failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }
}
