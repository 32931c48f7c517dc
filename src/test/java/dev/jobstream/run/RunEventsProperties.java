package dev.jobstream.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import dev.jobstream.run.store.RunStore;
import dev.jobstream.stream.RunEvent;
import dev.jobstream.support.PropertyDatabase;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * A run's events number 1 to its last sequence number without a gap or a repeat, across attempts, whatever happens
 * to it: random sequences of what executors and operators do — claims, emitted events, pauses, ends, retries,
 * snoozes, interrupts, stale sweeps, claims given back, cancels, operator retries, resumes of parked runs — each run
 * as the service runs it, through {@link RunStore} on PostgreSQL (in a database of its own, so that its sweeps see
 * no other test's runs). Its lifecycle events (starts, ends, requeues) are read from the row, the rest stored; read
 * in pages of any size they are the same. Each attempt starts once, and a run that ended ends with its end event.
 */
class RunEventsProperties {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String OWNER = "properties-replica";
    /** A job no replica has. */
    private static final String JOB = "test.properties";
    private static final String[] FLUSHED_STATES = {"running", "paused"};

    enum Step {
        CLAIM, EMIT, PAUSE, RESUME, COMPLETE, FAIL, RETRY_LATER, SNOOZE, CANCELLED, END_AFTER_LAST, INTERRUPT, STALE, GIVE_BACK, UNCLAIM, REQUEST_PAUSE, REQUEST_CANCEL, CANCEL_NOW, RETRY, RESUME_PARKED
    }

    private static RunStore store;
    private static Pool pool;

    @Provide
    Arbitrary<List<Step>> steps() {
        // claims often, so that runs reach their later attempts
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, Arbitraries.just(Step.CLAIM)),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(Step.EMIT)),
                net.jqwik.api.Tuple.of(Step.values().length, Arbitraries.of(Step.class)))
                .list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 200)
    void eventsAreGapFreeAcrossAttempts(@ForAll("steps") List<Step> steps,
            @ForAll @IntRange(min = 1, max = 7) int page, @ForAll @IntRange(min = 1, max = 4) int maxAttempts) {
        RunStore runs = store();
        UUID id = UUID.randomUUID();
        execute("INSERT INTO job_runs (id, job_name, workspace_id, exclusive, max_attempts) VALUES ($1, $2, $3, false,"
                + " $4)", id, JOB, UUID.randomUUID(), maxAttempts);
        Set<Integer> claimed = new HashSet<>();
        for (Step step : steps) {
            apply(runs, step, id, claimed);
            int last = row(id).getInteger("last_seq");
            assertEquals(IntStream.rangeClosed(1, last).boxed().toList(), ids(read(runs, id, 0, 500)),
                    "after " + step + " of " + steps);
        }
        Row run = row(id);
        int last = run.getInteger("last_seq");
        List<RunEvent> events = new ArrayList<>();
        for (List<RunEvent> more = read(runs, id, 0, page); !more.isEmpty(); more = read(runs, id,
                more.get(more.size() - 1).id(), page)) {
            assertTrue(more.size() <= page);
            events.addAll(more);
        }
        assertEquals(IntStream.rangeClosed(1, last).boxed().toList(), ids(events), "in pages of " + page);
        List<Integer> starts = events.stream().filter(e -> e.event().equals("start_json"))
                .map(e -> new JsonObject(e.data()).getInteger("attempt")).toList();
        assertEquals(claimed, new HashSet<>(starts), "one start per attempt claimed: " + starts);
        assertEquals(starts.size(), new HashSet<>(starts).size(), "each attempt starts once: " + starts);
        String status = run.getString("status");
        if (List.of(RunStatus.TERMINAL).contains(status)) {
            RunEvent end = events.get(events.size() - 1);
            assertEquals("end_json", end.event(), "a run that ended ends with its end: " + steps);
            assertEquals(status, new JsonObject(end.data()).getString("state"));
        }
    }

    private static void apply(RunStore runs, Step step, UUID id, Set<Integer> claimed) {
        Row run = row(id);
        int attempt = run.getInteger("attempt");
        int last = run.getInteger("last_seq");
        switch (step) {
            case CLAIM -> {
                execute("UPDATE job_runs SET run_after = now() WHERE id = $1 AND status = 'queued'", id);
                runs.claim(OWNER, 10, new String[]{JOB}).await().atMost(WAIT).stream()
                        .filter(r -> r.id().equals(id)).forEach(r -> claimed.add(r.attempt()));
            }
            case EMIT -> flush(runs, new RunFlush(id, attempt, last + 2, 2L, null, null, null, null, null,
                    List.of(event(last + 1, "log"), event(last + 2, "progress_json"))));
            case PAUSE -> flush(runs, new RunFlush(id, attempt, last + 1, null, null, null, RunStatus.PAUSED, "pause",
                    null, List.of(event(last + 1, "state_json"))));
            case RESUME -> flush(runs, new RunFlush(id, attempt, last + 1, null, null, null, RunStatus.RUNNING,
                    "resume", null, List.of(event(last + 1, "state_json"))));
            case COMPLETE -> end(runs, id, attempt, last, new RunFlush.End(RunStatus.COMPLETED, "{\"n\":1}", null,
                    null, 5));
            case FAIL -> end(runs, id, attempt, last, new RunFlush.End(RunStatus.FAILED, "{}", "boom", "job_failed",
                    5));
            case RETRY_LATER -> end(runs, id, attempt, last, new RunFlush.End(RunStatus.QUEUED, null, "again",
                    "job_failed", 5, 0L, false));
            case SNOOZE -> end(runs, id, attempt, last, new RunFlush.End(RunStatus.QUEUED, null, null, null, 5, 0L,
                    true));
            case CANCELLED -> end(runs, id, attempt, last, new RunFlush.End(RunStatus.CANCELLED, "{}", null, null, 5));
            // a worker's end, built from an earlier read of the run: numbered after its last event as stored
            case END_AFTER_LAST -> runs.flushAfterLast(OWNER, List.of(new RunFlush(id, attempt, 1, null, null, null,
                    null, null, new RunFlush.End(RunStatus.COMPLETED, "{}", null, null, 5), List.of(event(1, "log")))))
                    .await().atMost(WAIT);
            case INTERRUPT -> runs.interrupt(OWNER, List.of(id), List.of(attempt), "shutdown").await().atMost(WAIT);
            case STALE -> {
                execute("UPDATE job_runs SET heartbeat_at = now() - interval '1 hour' WHERE id = $1"
                        + " AND status IN ('running', 'paused')", id);
                runs.sweepStale(Instant.now().plus(Duration.ofDays(1)), Duration.ofMinutes(1), 100).await()
                        .atMost(WAIT);
            }
            case GIVE_BACK -> runs.releaseClaims(List.of(id), OWNER, 0).await().atMost(WAIT);
            case UNCLAIM -> runs.unclaim(List.of(id), List.of(attempt), OWNER).await().atMost(WAIT);
            case REQUEST_PAUSE -> runs.request(id, Control.PAUSE, Control.PAUSE.allowedFrom(), "properties").await()
                    .atMost(WAIT);
            case REQUEST_CANCEL -> runs.request(id, Control.CANCEL, Control.CANCEL.allowedFrom(), "properties").await()
                    .atMost(WAIT);
            case CANCEL_NOW -> runs.cancelNow(id, RunStatus.ACTIVE, true, "properties").await().atMost(WAIT);
            case RETRY -> runs.retry(id, "properties").await().atMost(WAIT);
            case RESUME_PARKED -> runs.resumeParked(id, "properties").await().atMost(WAIT);
        }
    }

    /** An executor's end after one event of its own, as an engine flushes it. */
    private static void end(RunStore runs, UUID id, int attempt, int last, RunFlush.End end) {
        flush(runs, new RunFlush(id, attempt, last + 2, null, null, null, null, null, end,
                List.of(event(last + 1, "log"))));
    }

    private static void flush(RunStore runs, RunFlush flush) {
        runs.flush(OWNER, List.of(flush)).await().atMost(WAIT);
    }

    private static RunFlush.Event event(int seq, String name) {
        return new RunFlush.Event(seq, name, "{\"n\":" + seq + "}");
    }

    private static List<RunEvent> read(RunStore runs, UUID id, int after, int limit) {
        return runs.after(id, after, limit).await().atMost(WAIT);
    }

    private static List<Integer> ids(List<RunEvent> events) {
        return events.stream().map(RunEvent::id).toList();
    }

    private static Row row(UUID id) {
        return pool.preparedQuery("SELECT attempt, last_seq, status FROM job_runs WHERE id = $1")
                .execute(Tuple.of(id)).await().atMost(WAIT).iterator().next();
    }

    private static void execute(String sql, Object... args) {
        pool.preparedQuery(sql).execute(Tuple.from(args)).await().atMost(WAIT);
    }

    /** The store, on a database of these properties' own, migrated as the service migrates its database. */
    private static synchronized RunStore store() {
        if (store == null) {
            PropertyDatabase database = PropertyDatabase.create("jobstream_properties", 2);
            pool = database.pool;
            store = database.store;
        }
        return store;
    }
}
