package dev.jobstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.jobstream.config.EmbeddedDatabase;
import dev.jobstream.support.Api;
import dev.jobstream.support.Replica;
import io.vertx.core.json.JsonArray;

/**
 * In production the demo jobs are off unless {@code JOBSTREAM_DEMO_JOBS=true}: {@code demo.sleep} is neither listed nor
 * triggered; the self-test still passes, with its own internal job.
 */
class DemoJobsIT {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void inProductionTheDemoJobsAreOffAndTheSelfTestStillPasses() throws Exception {
        int pgPort = EmbeddedDatabase.start().port();
        try (Replica replica = Replica.start("no-demo", pgPort, Replica.newDatabase(pgPort),
                Map.of("JOBSTREAM_DEMO_JOBS", "false"))) {
            JsonArray jobs = new JsonArray(send(replica, "GET", "/v1/jobs", "application/json").body());
            assertFalse(jobs.stream().anyMatch(j -> j.toString().contains("\"demo.sleep\"")), jobs.encode());
            assertTrue(jobs.stream().anyMatch(j -> j.toString().contains("\"errors.rollup\"")), jobs.encode());
            assertEquals(404, send(replica, "POST", "/v1/jobs/demo.sleep/runs", "application/json").statusCode());

            String selftest = send(replica, "GET", "/v1/selftest", "text/event-stream").body();
            assertTrue(selftest.contains("event:end_json") && selftest.contains("\"ok\":true"), selftest);
        }
    }

    private HttpResponse<String> send(Replica replica, String method, String path, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(replica.url(path)))
                .header("Authorization", "Bearer " + Api.ADMIN_TOKEN).header("Accept", accept)
                .timeout(Duration.ofSeconds(120));
        request = method.equals("POST")
                ? request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}"))
                : request.GET();
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
