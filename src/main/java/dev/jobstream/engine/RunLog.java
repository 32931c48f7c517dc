package dev.jobstream.engine;

import java.util.Map;

import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.Level;
import org.jboss.logmanager.Logger;
import org.jboss.logmanager.MDC;

import dev.jobstream.run.Run;

/**
 * The service log of engines: every line carries its run in the MDC ({@code run_id}, {@code job},
 * {@code workspace_id}, {@code correlation_id}), which the prod profile writes as JSON.
 * <p>
 * The MDC is set on each log record, not on the thread: an engine's code runs on event-loop and worker threads
 * shared by every run, and Quarkus keeps a thread's MDC in the current Vert.x duplicated context, which engine
 * callbacks do not have (a value put there is lost) and which, given one, would follow the writer's and the
 * dispatcher's work for other runs. A record's MDC is its own: set for that line, gone after it, never leaked.
 */
final class RunLog {

    static final String RUN_ID = "run_id";
    static final String JOB = "job";
    static final String WORKSPACE_ID = "workspace_id";
    static final String CORRELATION_ID = "correlation_id";

    private static final String FQCN = RunLog.class.getName();

    private RunLog() {
    }

    static void debug(Class<?> source, Run run, String format, Object... params) {
        log(source, Level.DEBUG, run, null, format, params);
    }

    static void info(Class<?> source, Run run, String format, Object... params) {
        log(source, Level.INFO, run, null, format, params);
    }

    static void warn(Class<?> source, Run run, String format, Object... params) {
        log(source, Level.WARN, run, null, format, params);
    }

    static void error(Class<?> source, Run run, Throwable thrown, String format, Object... params) {
        log(source, Level.ERROR, run, thrown, format, params);
    }

    /**
     * A job's {@code warn} and {@code error} log events also go to the service log, under the logger
     * {@code dev.jobstream.job.<job name>}; other levels stay in the run's events only.
     */
    static void jobLine(Run run, String level, String message) {
        if ("warn".equals(level) || "error".equals(level)) {
            log("dev.jobstream.job." + run.job(), "warn".equals(level) ? Level.WARN : Level.ERROR, run, null, "%s",
                    message);
        }
    }

    private static void log(Class<?> source, java.util.logging.Level level, Run run, Throwable thrown,
            String format, Object... params) {
        log(source.getName(), level, run, thrown, format, params);
    }

    /** A line of {@code loggerName} at {@code level} ({@code printf} format), with the run's MDC. */
    private static void log(String loggerName, java.util.logging.Level level, Run run, Throwable thrown,
            String format, Object... params) {
        Logger logger = Logger.getLogger(loggerName);
        if (!logger.isLoggable(level)) {
            return;
        }
        ExtLogRecord record = new ExtLogRecord(level, format, ExtLogRecord.FormatStyle.PRINTF, FQCN);
        record.setParameters(params);
        record.setThrown(thrown);
        record.setLoggerName(logger.getName());
        record.setMdc(mdc(run));
        logger.logRaw(record);
    }

    /** The thread's MDC (if any) with the run's keys over it. */
    static Map<String, Object> mdc(Run run) {
        Map<String, Object> mdc = new java.util.HashMap<>(MDC.copyObject());
        mdc.put(RUN_ID, run.id().toString());
        mdc.put(JOB, run.job());
        mdc.put(WORKSPACE_ID, run.workspaceId().toString());
        if (run.correlationId() != null) {
            mdc.put(CORRELATION_ID, run.correlationId());
        } else {
            mdc.remove(CORRELATION_ID);
        }
        return mdc;
    }
}
