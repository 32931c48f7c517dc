package dev.jobstream.engine;

import static dev.jobstream.engine.CrashIT.trigger;
import static dev.jobstream.support.ReplicaCalls.assertGapFree;
import static dev.jobstream.support.ReplicaCalls.awaitStatus;
import static dev.jobstream.support.ReplicaCalls.count;
import static dev.jobstream.support.ReplicaCalls.events;
import static dev.jobstream.support.ReplicaCalls.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.jobstream.config.EmbeddedDatabase;
import dev.jobstream.support.Replica;
import dev.jobstream.support.TcpProxy;
import io.restassured.path.json.JsonPath;

/**
 * A replica cut off from PostgreSQL (a TCP proxy of the test's own between them is closed) while it executes a run:
 * its heartbeats fail, so its lease runs out before the run can go stale, and the job halts at its next checkpoint before another replica's sweeper takes the run; when the cut replica reaches the
 * database again its heartbeat finds the run taken and its engine stops, having written nothing more.
 */
class LeaseIT {

    static final Map<String, String> ENV = Map.of(
            "JOBSTREAM_HEARTBEAT_INTERVAL", "300ms",
            "JOBSTREAM_STALE_AFTER", "3s",
            "JOBSTREAM_SWEEPER_INTERVAL", "500ms",
            "JOBSTREAM_SHUTDOWN_GRACE", "2s");

    static int pgPort;

    @BeforeAll
    static void database() {
        pgPort = EmbeddedDatabase.start().port();
    }

    @Test
    void aReplicaCutOffFromTheDatabaseHoldsItsRunBeforeAnotherTakesIt() throws Exception {
        String database = Replica.newDatabase(pgPort);
        try (TcpProxy proxy = new TcpProxy(pgPort)) {
            Map<String, String> throughProxy = new HashMap<>(ENV);
            throughProxy.put("PGPORT", Integer.toString(proxy.port()));
            try (Replica a = Replica.start("lease-a", pgPort, database, throughProxy)) {
                String id = trigger(a, UUID.randomUUID().toString(), 100, 100);
                awaitStatus(a, id, "running");
                try (Replica b = Replica.start("lease-b", pgPort, database, ENV)) {
                    Instant cut = Instant.now();
                    proxy.cut();

                    // a's job halts at a checkpoint within its lease (stale-after less a fifth): it holds until a
                    // heartbeat renews the lease, or it stops
                    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                            .until(() -> engine(a, id).getString("halted_at") != null);
                    Instant holding = Instant.parse(engine(a, id).getString("halted_at"));
                    assertTrue(List.of("holding", "stopping").contains(engine(a, id).getString("state")));
                    assertTrue(Duration.between(cut, holding).compareTo(Duration.ofSeconds(3)) < 0,
                            "held " + Duration.between(cut, holding).toMillis() + " ms after the cut");

                    // b's sweeper finds the run stale (demo.sleep has no attempt left: it fails it)
                    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                            .until(() -> "failed".equals(get(b, "/v1/runs/" + id).getString("status")));
                    JsonPath swept = get(b, "/v1/runs/" + id);
                    assertEquals("stale", swept.getString("error_code"));
                    Instant taken = Instant.parse(swept.getString("finished_at"));
                    assertTrue(holding.isBefore(taken), "a halted (" + holding + ") before b took the run (" + taken
                            + ")");
                    assertTrue(List.of("holding", "stopping").contains(engine(a, id).getString("state")),
                            "a is still halted");

                    proxy.restore();
                    // a reaches the database again: the run is not its own any more, its engine stops
                    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                            .until(() -> "stopped".equals(engine(a, id).getString("state")));
                    assertEquals("lost", engine(a, id).getString("run_status"));

                    List<Map<String, Object>> events = events(b, id);
                    assertGapFree(events);
                    assertEquals(1, count(events, "start_json"));
                    assertEquals("end_json", events.get(events.size() - 1).get("event"), "b's end is the last");
                    assertEquals("failed", get(b, "/v1/runs/" + id).getString("status"), "a wrote nothing after");
                    System.out.printf("reliability: replica cut off from PostgreSQL → its job halted %d ms after the"
                            + " cut, another replica took the run %d ms after the cut; never both%n",
                            Duration.between(cut, holding).toMillis(), Duration.between(cut, taken).toMillis());
                }
            }
        }
    }

    private static JsonPath engine(Replica replica, String runId) {
        List<Map<String, Object>> engines = get(replica, "/v1/engines").getList("engines");
        Map<String, Object> engine = engines.stream().filter(e -> runId.equals(e.get("run_id")))
                .filter(e -> ((Number) e.get("attempt")).intValue() == 1).findFirst()
                .orElseThrow(() -> new AssertionError("no engine of " + runId + " in " + engines));
        return JsonPath.from(new io.vertx.core.json.JsonObject(engine).encode());
    }
}
