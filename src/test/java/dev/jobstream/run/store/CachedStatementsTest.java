package dev.jobstream.run.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.jobstream.support.Api;
import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * A replica keeps its statements prepared on each connection of its pool, planned anew with each execution's values.
 * A newer replica's migration may add a column to a table while an older one still runs (a rolling update): the older
 * one's prepared statements must go on answering, which they do only if none of them reads a table's columns by
 * {@code *} (PostgreSQL refuses a prepared statement whose result would change shape).
 */
@QuarkusTest
class CachedStatementsTest extends DatabaseTest {

    /** More concurrent requests than the pool has connections, so that every connection prepares the statements. */
    private static final int REQUESTS = 64;

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    Pool pool;

    @Test
    void statementsArePlannedWithEachExecutionsValues() {
        String mode = pool.query("SHOW plan_cache_mode").execute().await().indefinitely().iterator().next()
                .getString(0);
        assertEquals("force_custom_plan", mode);
    }

    @Test
    void readsGoOnAnsweringAfterAMigrationAddsColumns() {
        String run = Api.trigger("demo.sleep", Map.of("workspace_id", Api.GLOBAL, "params", Map.of("items", 0)));
        Api.awaitStatus(run, "completed");
        List<String> paths = List.of("/v1/runs/" + run, "/v1/runs?limit=5", "/v1/runs?status=completed",
                "/v1/schedules", "/v1/errors");
        assertEquals(Map.of(200, REQUESTS * paths.size()), statuses(paths), "before");
        try {
            db.execute("ALTER TABLE job_runs ADD COLUMN added_by_a_newer_replica integer");
            db.execute("ALTER TABLE job_schedules ADD COLUMN added_by_a_newer_replica integer");
            db.execute("ALTER TABLE error_events ADD COLUMN added_by_a_newer_replica integer");
            assertEquals(Map.of(200, REQUESTS * paths.size()), statuses(paths), "after the columns were added");
        } finally {
            db.execute("ALTER TABLE job_runs DROP COLUMN IF EXISTS added_by_a_newer_replica");
            db.execute("ALTER TABLE job_schedules DROP COLUMN IF EXISTS added_by_a_newer_replica");
            db.execute("ALTER TABLE error_events DROP COLUMN IF EXISTS added_by_a_newer_replica");
        }
    }

    /** Each path {@link #REQUESTS} times at once: how many answers had each status. */
    private Map<Integer, Integer> statuses(List<String> paths) {
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (String path : paths) {
            List<CompletableFuture<HttpResponse<String>>> answers = IntStream.range(0, REQUESTS)
                    .mapToObj(i -> CLIENT.sendAsync(HttpRequest
                            .newBuilder(URI.create("http://localhost:" + port + path))
                            .header("Authorization", "Bearer " + Api.ADMIN_TOKEN).timeout(Duration.ofSeconds(20))
                            .build(), HttpResponse.BodyHandlers.ofString()))
                    .toList();
            answers.forEach(a -> statuses.merge(a.join().statusCode(), 1, Integer::sum));
        }
        return statuses;
    }
}
