package dev.jobstream.run.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.jobstream.run.RunFlush;
import dev.jobstream.run.RunStatus;
import dev.jobstream.support.Database;
import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;

/**
 * The flush of engines' writes against the database. A flush whose commit succeeded but whose reply was lost is
 * retried with the same rows: the retry must change nothing and report the runs as written. Flushes and
 * heartbeats of the same runs at once never deadlock: both lock rows in one order.
 */
@QuarkusTest
class RunStoreFlushTest extends DatabaseTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String OWNER = "flush-test-replica";
    /** A job no replica has, so the test's own dispatcher leaves these runs alone. */
    private static final String JOB = "test.gone";

    @Inject
    RunStore store;

    @Test
    void aFlushRepeatedAfterALostReplyChangesNothingAndCountsAsWritten() {
        UUID id = executingRun();
        RunFlush progress = new RunFlush(id, 1, 3, 2L, 10L, null, null, null, null, List.of(
                new RunFlush.Event(2, "log", "{\"message\":\"one\"}"),
                new RunFlush.Event(3, "progress_json", "{\"processed\":2}")));

        assertEquals(Set.of(id), flush(progress));
        assertEquals(Set.of(id), flush(progress), "the retry of a committed flush");

        assertEquals(2, db.count("SELECT count(*) FROM job_run_events WHERE run_id = $1", id));
        assertEquals(2, db.count("SELECT processed FROM job_runs WHERE id = $1", id));
    }

    @Test
    void anEndRepeatedAfterALostReplyIsStoredOnceWithOneErrorEvent() {
        UUID id = executingRun();
        RunFlush end = new RunFlush(id, 1, 2, null, null, null, null, null,
                new RunFlush.End(RunStatus.FAILED, "{}", "boom", "job_failed", 12), List.of());

        assertEquals(Set.of(id), flush(end));
        assertEquals(Set.of(id), flush(end), "the retry of a committed end");

        assertEquals(2, db.count("SELECT end_seq FROM job_runs WHERE id = $1", id), "the end, read from the row");
        assertEquals(1, db.count("SELECT count(*) FROM error_events WHERE run_id = $1 AND kind = 'JOB_FAILED'", id));
        assertEquals(1, db.count("SELECT count(*) FROM job_runs WHERE id = $1 AND status = 'failed'", id));
    }

    @Test
    void aRequeueThatACancelOvertookEndsTheRunCancelledAtOnce() {
        UUID id = executingRun();
        // the executor decided to retry its failed attempt; a cancel was asked before its end was stored
        db.execute("UPDATE job_runs SET control_requested = 'cancel' WHERE id = $1", id);
        RunFlush retry = new RunFlush(id, 1, 2, null, null, null, null, null,
                new RunFlush.End(RunStatus.QUEUED, null, "boom", "job_failed", 12, 1000L, false), List.of());

        assertEquals(Set.of(id), flush(retry));
        assertEquals(Set.of(id), flush(retry), "the retry of a committed end");

        assertEquals(1, db.count("SELECT count(*) FROM job_runs WHERE id = $1 AND status = 'cancelled'"
                + " AND control_requested IS NULL AND end_seq = 2 AND last_seq = 2 AND attempt = 1", id));
        assertEquals(0, db.count("SELECT count(*) FROM error_events WHERE run_id = $1", id));
    }

    @Test
    void aCancelCommittedWhileARequeueWaitsForTheRowEndsTheRunCancelledAtOnce() {
        UUID id = executingRun();
        // the cancel holds the run's row, uncommitted, while the retry's end is flushed
        Database.Open cancel = db.begin("UPDATE job_runs SET control_requested = 'cancel' WHERE id = $1", id);
        RunFlush retry = new RunFlush(id, 1, 2, null, null, null, null, null,
                new RunFlush.End(RunStatus.QUEUED, null, "boom", "job_failed", 12, 1000L, false), List.of());
        CompletableFuture<Set<UUID>> flushed = store.flush(OWNER, List.of(retry)).subscribeAsCompletionStage();
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> db.count("SELECT count(*) FROM pg_stat_activity"
                + " WHERE wait_event_type = 'Lock' AND query LIKE '%WITH changes AS%'") == 1);
        cancel.commit();

        // written, as the cancel promised: cancelled, not requeued past the cancel and not left running for the
        // sweeper to find stale
        assertEquals(Set.of(id), flushed.join());
        assertEquals(1, db.count("SELECT count(*) FROM job_runs WHERE id = $1 AND status = 'cancelled'"
                + " AND control_requested IS NULL AND end_seq = 2 AND attempt = 1", id));
    }

    @Test
    void aFlushOfARunTakenElsewhereWritesNothing() {
        UUID id = executingRun();
        db.execute("UPDATE job_runs SET attempt = 2 WHERE id = $1", id);
        RunFlush late = new RunFlush(id, 1, 1, 5L, null, null, null, null, null,
                List.of(new RunFlush.Event(1, "log", "{\"message\":\"late\"}")));

        assertEquals(Set.of(), flush(late));
        assertEquals(0, db.count("SELECT count(*) FROM job_run_events WHERE run_id = $1", id));
    }

    @Test
    void flushesAndHeartbeatsOfTheSameRunsAtOnceNeverDeadlock() {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(executingRun());
        }
        List<UUID> reversed = new ArrayList<>(ids);
        java.util.Collections.reverse(reversed);
        // a replica flushes one batch at a time (in any order of its runs), and heartbeats meanwhile
        Uni<Void> flushes = Uni.createFrom().voidItem();
        for (int round = 0; round < 150; round++) {
            List<UUID> order = round % 2 == 0 ? ids : reversed;
            List<RunFlush> batch = order.stream()
                    .map(id -> new RunFlush(id, 1, 0, 1L, null, null, null, null, null, List.of())).toList();
            flushes = flushes.flatMap(v -> store.flush(OWNER, batch).replaceWithVoid());
        }
        List<CompletableFuture<?>> work = new ArrayList<>();
        work.add(flushes.subscribeAsCompletionStage());
        for (int round = 0; round < 150; round++) {
            List<UUID> order = round % 2 == 0 ? reversed : ids;
            work.add(store.heartbeat(order, OWNER).subscribeAsCompletionStage());
        }
        List<String> failures = new ArrayList<>();
        for (CompletableFuture<?> w : work) {
            try {
                w.join();
            } catch (RuntimeException e) {
                failures.add(String.valueOf(e.getCause() == null ? e : e.getCause()));
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " statements failed, e.g. "
                + failures.stream().findFirst().orElse(""));
        assertEquals(20, store.heartbeat(ids, OWNER).await().atMost(WAIT).size(), "every run still owned");
    }

    private Set<UUID> flush(RunFlush flush) {
        return store.flush(OWNER, List.of(flush)).await().atMost(WAIT);
    }

    private UUID executingRun() {
        UUID id = UUID.randomUUID();
        db.execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, exclusive, status, owner, attempt, started_at,
                                      heartbeat_at, start_seq, last_seq)
                VALUES ($1, $2, $3, false, 'running', $4, 1, now(), now(), 1, 1)
                """, id, JOB, UUID.randomUUID(), OWNER);
        return id;
    }

    @SuppressWarnings("unused")
    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(WAIT);
    }
}
