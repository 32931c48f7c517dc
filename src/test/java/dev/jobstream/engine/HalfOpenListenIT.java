package dev.jobstream.engine;

import static dev.jobstream.engine.CrashIT.trigger;
import static dev.jobstream.support.ReplicaCalls.awaitStatus;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.jobstream.config.EmbeddedDatabase;
import dev.jobstream.support.Api;
import dev.jobstream.support.Database;
import dev.jobstream.support.Replica;
import dev.jobstream.support.TcpProxy;

/**
 * The LISTEN connection of a replica goes half-open (its bytes are dropped on the way, its socket stays open), while
 * a subscriber follows a run on it: the replica finds out by its ping, says so in readiness, connects again and
 * catches up, so the stream goes on to its end instead of freezing while readiness says up.
 */
class HalfOpenListenIT {

    static int pgPort;

    @BeforeAll
    static void database() {
        pgPort = EmbeddedDatabase.start().port();
    }

    @Test
    void aHalfOpenListenConnectionIsReplacedAndStreamsGoOn() throws Exception {
        String database = Replica.newDatabase(pgPort);
        try (TcpProxy proxy = new TcpProxy(pgPort)) {
            Map<String, String> env = new HashMap<>(Map.of("PGPORT", Integer.toString(proxy.port()),
                    "JOBSTREAM_PG_PING_INTERVAL", "500ms", "JOBSTREAM_PG_PING_TIMEOUT", "1s"));
            try (Replica a = Replica.start("half-open-a", pgPort, database, env)) {
                String id = trigger(a, UUID.randomUUID().toString(), 40, 100);
                awaitStatus(a, id, "running");
                HttpClient client = HttpClient.newHttpClient();
                var stream = client.sendAsync(HttpRequest.newBuilder(URI.create(a.url("/v1/runs/" + id + "/events")))
                        .header("Authorization", "Bearer " + Api.ADMIN_TOKEN).header("Accept", "text/event-stream")
                        .build(), HttpResponse.BodyHandlers.ofString());

                int listenPort = (int) Database.shared().count("SELECT client_port FROM pg_stat_activity"
                        + " WHERE datname = $1 AND (query LIKE 'LISTEN%' OR query LIKE '%listen_ping%')", database);
                Instant frozen = Instant.now();
                proxy.freeze(listenPort);

                // readiness sees the LISTEN connection go and come back
                Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                        .until(() -> ready(client, a) == 503);
                Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                        .until(() -> ready(client, a) == 200);
                Duration replaced = Duration.between(frozen, Instant.now());

                String body = stream.get(30, java.util.concurrent.TimeUnit.SECONDS).body();
                assertTrue(body.contains("event: end_json"), "the stream reached the run's end");
                System.out.printf("reliability: half-open LISTEN connection → replaced %d ms after it froze; the"
                        + " stream went on to its end%n", replaced.toMillis());
            }
        }
    }

    private static int ready(HttpClient client, Replica replica) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create(replica.url("/q/health/ready")))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
