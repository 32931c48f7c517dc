package dev.jobstream.support;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** Direct SQL for tests: clean tables between tests, count and insert rows. */
@ApplicationScoped
public class Database {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Inject
    Pool pool;

    public void truncate() {
        pool.query("TRUNCATE job_runs, job_run_events, error_events, error_event_rollups").execute().await()
                .atMost(TIMEOUT);
    }

    public long count(String sql, Object... args) {
        return pool.preparedQuery(sql).execute(Tuple.from(args)).await().atMost(TIMEOUT).iterator().next().getLong(0);
    }

    public void execute(String sql, Object... args) {
        pool.preparedQuery(sql).execute(Tuple.from(args)).await().atMost(TIMEOUT);
    }
}
