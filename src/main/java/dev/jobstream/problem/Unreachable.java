package dev.jobstream.problem;

import io.vertx.sqlclient.DatabaseException;

/** A failure that is the database being out of reach, not anything a request did: the API answers 503 for it. */
public final class Unreachable {

    private Unreachable() {
    }

    /**
     * True when the failure is the database being out of reach rather than anything the statement did: no connection
     * (refused, reset, closed, timed out, the pool waiting in vain), or PostgreSQL shutting down or starting up
     * (SQLSTATE class 08, 57P01–57P03). The same request succeeds once it is back.
     */
    public static boolean is(Throwable failure) {
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
}
