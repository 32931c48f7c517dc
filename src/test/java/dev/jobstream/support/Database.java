package dev.jobstream.support;

import java.time.Duration;
import java.util.UUID;

import dev.jobstream.config.EmbeddedDatabase;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;

/**
 * Direct SQL for tests: clean tables between tests, count and insert rows. A pool of its own on the embedded
 * PostgreSQL, not the service's (injected) one, so that it serves {@code @QuarkusIntegrationTest}s too, where the
 * service runs in a process of its own.
 */
public final class Database {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static Database shared;

    private final Pool pool;

    private Database(Pool pool) {
        this.pool = pool;
    }

    /** The one instance of this test JVM (and class loader). */
    public static synchronized Database shared() {
        if (shared == null) {
            shared = new Database(PgBuilder.pool().with(new PoolOptions().setMaxSize(4))
                    .connectingTo(new PgConnectOptions().setHost("localhost").setPort(EmbeddedDatabase.start().port())
                            .setDatabase("postgres").setUser("postgres").setPassword("postgres"))
                    .using(Vertx.vertx()).build());
        }
        return shared;
    }

    /**
     * Empties the tables a test writes. The service runs meanwhile, and a statement of its own that holds one of these
     * tables while it waits for another (a delivery of a webhook, a flow's settling) can make the truncate — which
     * locks them one after the other — a deadlock's victim: it is then tried again.
     */
    public void truncate() {
        pool.query("TRUNCATE job_runs, job_run_events, error_events, error_event_rollups, job_run_rollup,"
                + " job_run_totals, job_queue_samples, replicas, webhooks, webhook_deliveries, job_starts,"
                + " job_run_dependencies").execute()
                .onFailure(e -> e instanceof io.vertx.pgclient.PgException pg && "40P01".equals(pg.getSqlState()))
                .retry().atMost(3)
                .await().atMost(TIMEOUT);
        // the schedules jobs declare in code are created on start-up and stay
        pool.query("DELETE FROM job_schedules WHERE source = 'api'").execute().await().atMost(TIMEOUT);
    }

    public java.time.Instant instant(String sql, Object... args) {
        return pool.preparedQuery(sql).execute(Tuple.from(args)).await().atMost(TIMEOUT).iterator().next()
                .getOffsetDateTime(0).toInstant();
    }

    public long count(String sql, Object... args) {
        return pool.preparedQuery(sql).execute(Tuple.from(args)).await().atMost(TIMEOUT).iterator().next().getLong(0);
    }

    public void execute(String sql, Object... args) {
        pool.preparedQuery(sql).execute(Tuple.from(args)).await().atMost(TIMEOUT);
    }

    public io.vertx.mutiny.sqlclient.RowSet<io.vertx.mutiny.sqlclient.Row> rows(String sql, Object... args) {
        return pool.preparedQuery(sql).execute(Tuple.from(args)).await().atMost(TIMEOUT);
    }

    public io.vertx.mutiny.sqlclient.RowSet<io.vertx.mutiny.sqlclient.Row> rows(String sql, Tuple args) {
        return pool.preparedQuery(sql).execute(args).await().atMost(TIMEOUT);
    }

    /** The plan PostgreSQL chooses for {@code sql} with these arguments, one line a node (not executed). */
    public String plan(String sql, Tuple args) {
        StringBuilder plan = new StringBuilder();
        pool.preparedQuery("EXPLAIN (COSTS OFF) " + sql).execute(args).await().atMost(TIMEOUT)
                .forEach(row -> plan.append(row.getString(0)).append('\n'));
        return plan.toString();
    }

    /** A transaction left open: what it did is invisible to others until {@link #commit}. */
    public static final class Open {
        private final io.vertx.mutiny.sqlclient.SqlConnection connection;
        private final io.vertx.mutiny.sqlclient.Transaction transaction;

        private Open(io.vertx.mutiny.sqlclient.SqlConnection connection,
                io.vertx.mutiny.sqlclient.Transaction transaction) {
            this.connection = connection;
            this.transaction = transaction;
        }

        public void execute(String sql, Object... args) {
            connection.preparedQuery(sql).execute(Tuple.from(args)).await().atMost(TIMEOUT);
        }

        public void commit() {
            transaction.commit().await().atMost(TIMEOUT);
            connection.closeAndAwait();
        }
    }

    /** Begins a transaction on a connection of its own and runs {@code sql} in it, leaving it open. */
    public Open begin(String sql, Object... args) {
        io.vertx.mutiny.sqlclient.SqlConnection connection = pool.getConnection().await().atMost(TIMEOUT);
        io.vertx.mutiny.sqlclient.Transaction transaction = connection.begin().await().atMost(TIMEOUT);
        Open open = new Open(connection, transaction);
        open.execute(sql, args);
        return open;
    }

    /** A completed run of {@code demo.sleep} in the workspace, written straight to the table; answers its id. */
    public String insertCompletedRun(UUID workspace) {
        UUID id = UUID.randomUUID();
        execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, exclusive, status, finished_at)
                VALUES ($1, 'demo.sleep', $2, true, 'completed', now())
                """, id, workspace);
        return id.toString();
    }
}
