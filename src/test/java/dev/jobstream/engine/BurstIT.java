package dev.jobstream.engine;

import static dev.jobstream.engine.CrashIT.trigger;
import static dev.jobstream.support.ReplicaCalls.admin;
import static dev.jobstream.support.ReplicaCalls.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.jobstream.config.EmbeddedDatabase;
import dev.jobstream.support.Api;
import dev.jobstream.support.Replica;

/**
 * A burst of 10,000 runs (20,000 in the reliability benchmark) through {@code /runs/batch}, ten times the feed's page
 * and twice what it reads at once, under a live {@code /v1/stream}:
 * every run completes, the feed keeps up — it reports a run triggered after the burst — and sends each run's
 * changes a bounded number of times rather than re-reading the same rows.
 */
class BurstIT {

    /** 10 batches of 1,000 in the build; bench/reliability.sh runs 20 (20,000 runs). */
    static final int BATCHES = Integer.getInteger("burst.batches", 10);
    static final int PER_BATCH = 1000;

    static int pgPort;

    @BeforeAll
    static void database() {
        pgPort = EmbeddedDatabase.start().port();
    }

    @Test
    void aBurstFarLargerThanAPageCompletesAndTheFeedKeepsUp() throws Exception {
        String database = Replica.newDatabase(pgPort);
        try (Replica a = Replica.start("burst-a", pgPort, database, Map.of())) {
            AtomicInteger events = new AtomicInteger();
            AtomicReference<String> watched = new AtomicReference<>("none");
            AtomicReference<Instant> seen = new AtomicReference<>();
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<java.io.InputStream> feed = client.send(HttpRequest.newBuilder(URI.create(a.url("/v1/stream")))
                    .header("Authorization", "Bearer " + Api.ADMIN_TOKEN).header("Accept", "text/event-stream")
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
            Thread reader = new Thread(() -> {
                try (BufferedReader lines = new BufferedReader(
                        new InputStreamReader(feed.body(), StandardCharsets.UTF_8))) {
                    for (String line; (line = lines.readLine()) != null;) {
                        if (line.startsWith("data:")) {
                            events.incrementAndGet();
                            if (line.contains(watched.get())) {
                                seen.compareAndSet(null, Instant.now());
                            }
                        }
                    }
                } catch (java.io.IOException e) {
                    // closed
                }
            });
            reader.setDaemon(true);
            reader.start();

            Instant start = Instant.now();
            for (int b = 0; b < BATCHES; b++) {
                List<Map<String, Object>> runs = new ArrayList<>();
                for (int i = 0; i < PER_BATCH; i++) {
                    runs.add(Map.of("workspace_id", UUID.randomUUID().toString(), "params", Map.of("items", 0)));
                }
                admin().contentType("application/json").body(Map.of("runs", runs))
                        .post(a.url("/v1/jobs/demo.sleep/runs/batch")).then().statusCode(200);
            }
            String workspace = UUID.randomUUID().toString();
            watched.set(workspace);
            Instant triggered = Instant.now();
            String after = trigger(a, workspace, 0, 0);

            Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> get(a, "/v1/runs?status=completed&limit=1").getList("runs").size() == 1
                            && get(a, "/v1/runs?status=queued&limit=1").getList("runs").isEmpty()
                            && get(a, "/v1/runs?status=running&limit=1").getList("runs").isEmpty());
            Duration workOff = Duration.between(start, Instant.now());
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> seen.get() != null);
            assertEquals("completed", get(a, "/v1/runs/" + after).getString("status"));
            int total = BATCHES * PER_BATCH + 1;
            assertEquals(0, get(a, "/v1/runs?status=failed&limit=1").getList("runs").size(), "no run failed");
            assertTrue(events.get() <= 3 * total, "the feed sent " + events.get() + " changes for " + total
                    + " runs (created, running, completed at most): it did not re-read");
            System.out.printf("reliability: burst of %d runs under a live feed → all completed in %d ms; the feed"
                    + " reported the run triggered after it %d ms later, %d changes sent%n", total - 1,
                    workOff.toMillis(), Duration.between(triggered, seen.get()).toMillis(), events.get());
        }
    }
}
