package dev.jobstream.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Singleton;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** Reads of {@code job_run_events}. (Engines write events through their flush, see the engine package.) */
@Singleton
public class RunEventStore {

    static final String EVENTS_AFTER = """
            SELECT run_id, seq, event, data::text AS data, created_at FROM job_run_events
             WHERE run_id = $1 AND seq > $2
             ORDER BY seq
             LIMIT $3
            """;

    private final Pool pool;

    RunEventStore(Pool pool) {
        this.pool = pool;
    }

    /** Up to {@code limit} events of the run with a sequence number above {@code after}, in order. */
    public Uni<List<RunEvent>> after(UUID runId, int after, int limit) {
        return pool.preparedQuery(EVENTS_AFTER).execute(Tuple.of(runId, after, limit)).map(rows -> {
            List<RunEvent> events = new ArrayList<>(rows.size());
            rows.forEach(row -> events.add(RunEvent.from(row)));
            return events;
        });
    }
}
