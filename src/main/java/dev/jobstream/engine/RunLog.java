package dev.jobstream.engine;

import java.util.Map;

import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.Level;
import org.jboss.logmanager.Logger;
import org.jboss.logmanager.MDC;

import dev.jobstream.run.Run;
import io.opentelemetry.api.trace.SpanContext;

/**
 * The service log of engines: every line carries its run in the MDC ({@code run_id}, {@code job},
 * {@code workspace_id}, {@code correlation_id}) and, when tracing is on, its attempt's span ({@code traceId},
 * {@code spanId}, the keys Quarkus gives a request's lines), which the prod profile writes as JSON.
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
    static final String TRACE_ID = "traceId";
    static final String SPAN_ID = "spanId";
    /** Quarkus' other keys of a span, which a thread's MDC may hold from another request's. */
    private static final String SAMPLED = "sampled";
    private static final String PARENT_ID = "parentId";

    private static final String FQCN = RunLog.class.getName();

    private RunLog() {
    }

    static void debug(Class<?> source, Engine engine, String format, Object... params) {
        log(source, Level.DEBUG, engine, null, format, params);
    }

    static void info(Class<?> source, Engine engine, String format, Object... params) {
        log(source, Level.INFO, engine, null, format, params);
    }

    static void warn(Class<?> source, Engine engine, String format, Object... params) {
        log(source, Level.WARN, engine, null, format, params);
    }

    static void error(Class<?> source, Engine engine, Throwable thrown, String format, Object... params) {
        log(source, Level.ERROR, engine, thrown, format, params);
    }

    /**
     * A job's {@code warn} and {@code error} log events also go to the service log, under the logger
     * {@code dev.jobstream.job.<job name>}; other levels stay in the run's events only.
     */
    static void jobLine(Engine engine, String level, String message) {
        if ("warn".equals(level) || "error".equals(level)) {
            log("dev.jobstream.job." + engine.run().job(), "warn".equals(level) ? Level.WARN : Level.ERROR, engine,
                    null, "%s", message);
        }
    }

    private static void log(Class<?> source, java.util.logging.Level level, Engine engine, Throwable thrown,
            String format, Object... params) {
        log(source.getName(), level, engine, thrown, format, params);
    }

    /** A line of {@code loggerName} at {@code level} ({@code printf} format), with the run's MDC. */
    private static void log(String loggerName, java.util.logging.Level level, Engine engine, Throwable thrown,
            String format, Object... params) {
        Logger logger = Logger.getLogger(loggerName);
        if (!logger.isLoggable(level)) {
            return;
        }
        ExtLogRecord record = new ExtLogRecord(level, format, ExtLogRecord.FormatStyle.PRINTF, FQCN);
        record.setParameters(params);
        record.setThrown(thrown);
        record.setLoggerName(logger.getName());
        record.setMdc(mdc(engine.run(), engine.trace()));
        logger.logRaw(record);
    }

    /** The thread's MDC (if any) with the run's keys and its attempt's span ({@code trace}, if valid) over it. */
    static Map<String, Object> mdc(Run run, SpanContext trace) {
        Map<String, Object> mdc = new java.util.HashMap<>(MDC.copyObject());
        mdc.put(RUN_ID, run.id().toString());
        mdc.put(JOB, run.job());
        mdc.put(WORKSPACE_ID, run.workspaceId().toString());
        if (run.correlationId() != null) {
            mdc.put(CORRELATION_ID, run.correlationId());
        } else {
            mdc.remove(CORRELATION_ID);
        }
        mdc.remove(PARENT_ID);
        if (trace.isValid()) {
            mdc.put(TRACE_ID, trace.getTraceId());
            mdc.put(SPAN_ID, trace.getSpanId());
            mdc.put(SAMPLED, String.valueOf(trace.isSampled()));
        } else {
            mdc.remove(TRACE_ID);
            mdc.remove(SPAN_ID);
            mdc.remove(SAMPLED);
        }
        return mdc;
    }
}
