package dev.jobstream.pg;

/**
 * The PostgreSQL notification channels between replicas. Statements send them with {@code pg_notify} in the same
 * transaction as the change they announce, so a notification arrives only once the change is visible.
 */
public final class Channels {

    /** Runs were queued (or requeued): dispatchers claim. */
    public static final String QUEUED = "jobstream_queued";
    /** Run events were stored (one per flush): streams read the new events. */
    public static final String EVENTS = "jobstream_events";
    /** A control request was stored on a run (payload: the run id): its engine reads it. */
    public static final String CONTROL = "jobstream_control";

    /**
     * Runs changed (payload: the time of the change, {@code now()} in microseconds since the epoch): sent by every
     * statement that changes runs, so that the live feed reads again what committed behind its cursor.
     */
    public static final String RUNS = "jobstream_runs";

    /** The jobs executed by workers changed (payload: the job's name): every replica reads them again. */
    public static final String JOBS = "jobstream_jobs";

    /** A run with a webhook ended, and its delivery is due: the delivery loops claim it. */
    public static final String WEBHOOKS = "jobstream_webhooks";

    private Channels() {
    }
}
