package dev.jobstream.webhook;

/**
 * Every statement on {@code webhook_deliveries} (migrations/V25__webhooks.sql) but the insert, which the run's own
 * end makes (the trigger {@code job_runs_webhook_ended}); {@link DeliveryStore} is the only class that runs them. The
 * time of a statement is {@code $1} when a test gives one, the database's clock otherwise.
 */
final class DeliverySql {

    private DeliverySql() {
    }

    /**
     * Claims up to {@code $2} due deliveries: pending, due by {@code $1}, and held by no replica's lease. Each is
     * held until {@code $1} plus {@code $3} ms (its lease; {@code SKIP LOCKED}: replicas claiming at once take
     * different ones) and its attempts counted up — the claim's number is the fence its outcome is written under.
     * Answers each with its webhook's URL and secret (null when the webhook was deleted since).
     */
    static final String CLAIM = """
            WITH due AS (
                SELECT id FROM webhook_deliveries
                 WHERE status = 'pending' AND next_at <= coalesce($1::timestamptz, now())
                   AND (locked_until IS NULL OR locked_until <= coalesce($1::timestamptz, now()))
                 ORDER BY next_at
                 LIMIT $2
                   FOR UPDATE SKIP LOCKED
            ), claimed AS (
                UPDATE webhook_deliveries d
                   SET attempts = d.attempts + 1,
                       locked_until = coalesce($1::timestamptz, now()) + $3::bigint * interval '1 millisecond'
                  FROM due
                 WHERE d.id = due.id
                RETURNING d.id, d.run_id, d.webhook, d.payload::text AS payload, d.attempts, d.created_at
            )
            SELECT c.id, c.run_id, c.webhook, c.payload, c.attempts, c.created_at, w.url, w.secret
              FROM claimed c LEFT JOIN webhooks w ON w.name = c.webhook
            """;

    /**
     * Writes the outcome of the claim numbered {@code $2} of delivery {@code $1}: its status {@code $3}
     * ({@code pending} again: due {@code $4} ms after {@code $5}), and the attempt {@code $6} appended to its log.
     * Nothing when the claim is no longer the last (its lease ran out and another replica claimed it again).
     */
    static final String RECORD = """
            UPDATE webhook_deliveries
               SET status = $3::text,
                   finished_at = CASE WHEN $3 = 'pending' THEN NULL ELSE coalesce($5::timestamptz, now()) END,
                   next_at = CASE WHEN $3 = 'pending'
                                  THEN coalesce($5::timestamptz, now()) + $4::bigint * interval '1 millisecond'
                                  ELSE next_at END,
                   locked_until = NULL,
                   attempts_log = attempts_log || $6::text::jsonb
             WHERE id = $1 AND attempts = $2 AND status = 'pending'
            """;

    /** The deliveries of run {@code $1}, one per end of the run, oldest first. */
    static final String OF_RUN = """
            SELECT id, run_attempt, webhook, status, attempts, attempts_log::text AS attempts_log, next_at,
                   created_at, finished_at
              FROM webhook_deliveries
             WHERE run_id = $1
             ORDER BY run_attempt
            """;
}
