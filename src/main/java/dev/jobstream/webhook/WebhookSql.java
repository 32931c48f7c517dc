package dev.jobstream.webhook;

/**
 * Every statement on {@code webhooks} (migrations/V25__webhooks.sql); {@link WebhookStore} is the only class that runs
 * them. The secret is read by two statements alone: those that make one (a creation, a rotation), whose answer
 * carries it once, and the delivery's claim ({@link DeliverySql#CLAIM}), which signs with it.
 */
final class WebhookSql {

    private WebhookSql() {
    }

    /** The columns a {@link Webhook} is read from; never the secret. */
    static final String COLUMNS = "name, url, description, created_at, updated_at, updated_by, secret_rotated_at";

    /**
     * Creates the webhook {@code $1} with the secret {@code $4}, or changes its URL and description (it keeps its
     * secret); {@code created} says which, and the secret is answered only for a creation.
     */
    static final String PUT = """
            INSERT INTO webhooks AS w (name, url, description, secret, updated_by) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (name) DO UPDATE
               SET url = excluded.url, description = excluded.description, updated_at = now(),
                   updated_by = excluded.updated_by
            RETURNING %s, (xmax = 0) AS created, CASE WHEN xmax = 0 THEN secret END AS secret
            """.formatted(COLUMNS);

    /** Replaces the secret of {@code $1} with {@code $2}; answers the webhook and its new secret. */
    static final String ROTATE = """
            UPDATE webhooks SET secret = $2, secret_rotated_at = now(), updated_at = now(), updated_by = $3
             WHERE name = $1
            RETURNING %s, secret
            """.formatted(COLUMNS);

    static final String FIND = "SELECT " + COLUMNS + " FROM webhooks WHERE name = $1";

    static final String LIST = "SELECT " + COLUMNS + " FROM webhooks ORDER BY name LIMIT $1";

    /** Which of the names {@code $1} are registered. */
    static final String REGISTERED = "SELECT name FROM webhooks WHERE name = ANY($1::text[])";

    static final String DELETE = "DELETE FROM webhooks WHERE name = $1";
}
