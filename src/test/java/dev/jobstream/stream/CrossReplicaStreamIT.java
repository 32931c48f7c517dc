package dev.jobstream.stream;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.jobstream.config.EmbeddedDatabase;
import dev.jobstream.support.Api;
import dev.jobstream.support.Replica;
import dev.jobstream.support.SseClient;

/**
 * Two packaged replicas on one database: the run executes on B (A has no engines), and a subscriber on A receives
 * every event of it, in order, through the database and LISTEN/NOTIFY.
 */
class CrossReplicaStreamIT {

    @Test
    void aSubscriberOnOneReplicaSeesTheEventsOfARunExecutingOnAnother() throws Exception {
        int pgPort = EmbeddedDatabase.start().port();
        String database = "replicas_" + System.nanoTime();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + pgPort + "/postgres",
                "postgres", "postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        try (Replica a = Replica.start("replica-a", pgPort, database, Map.of("JOBSTREAM_ENGINES_MAX", "0"));
                Replica b = Replica.start("replica-b", pgPort, database, Map.of())) {
            String id = given().header("Authorization", "Bearer " + Api.ADMIN_TOKEN).contentType("application/json")
                    .body(Map.of("params", Map.of("items", 6, "delay_ms", 100)))
                    .post(a.url("/v1/jobs/demo.sleep/runs")).then().statusCode(202).extract().path("id");

            SseClient.Read read = SseClient.read(a.url("/v1/runs/" + id + "/events"), null, 1000);

            assertTrue(read.closed());
            List<String> ids = read.events().stream().map(SseClient.Event::id).toList();
            assertEquals(IntStream.rangeClosed(1, 14).mapToObj(Integer::toString).toList(), ids);
            assertEquals("end_json", read.events().get(13).event());
            given().header("Authorization", "Bearer " + Api.ADMIN_TOKEN).get(b.url("/v1/runs/" + id)).then()
                    .statusCode(200).body("owner", org.hamcrest.Matchers.equalTo("replica-b"))
                    .body("status", org.hamcrest.Matchers.equalTo("completed"));

            // control crosses replicas too: pause sent to A reaches the engine on B, resume sent to B
            String slow = given().header("Authorization", "Bearer " + Api.ADMIN_TOKEN)
                    .contentType("application/json").body(Map.of("params", Map.of("items", 40, "delay_ms", 50)))
                    .post(a.url("/v1/jobs/demo.sleep/runs")).then().statusCode(202).extract().path("id");
            awaitStatus(a, slow, "running");
            given().header("Authorization", "Bearer " + Api.ADMIN_TOKEN).post(a.url("/v1/runs/" + slow + "/pause"))
                    .then().statusCode(202);
            awaitStatus(a, slow, "paused");
            given().header("Authorization", "Bearer " + Api.ADMIN_TOKEN).post(b.url("/v1/runs/" + slow + "/resume"))
                    .then().statusCode(202);
            awaitStatus(a, slow, "completed");
            List<String> states = given().header("Authorization", "Bearer " + Api.ADMIN_TOKEN)
                    .accept("application/json")
                    .get(a.url("/v1/runs/" + slow + "/events")).then().statusCode(200).extract()
                    .path("findAll { it.event == 'state_json' }.data.state");
            assertEquals(List.of("paused", "running"), states);
        }
    }

    private static void awaitStatus(Replica replica, String id, String status) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> status.equals(
                given().header("Authorization", "Bearer " + Api.ADMIN_TOKEN).get(replica.url("/v1/runs/" + id))
                        .then().extract().path("status")));
    }
}
