package dev.jobstream.support;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.awaitility.Awaitility;

import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/** Calls of the tests that drive packaged replicas ({@link Replica}), as the admin. */
public final class ReplicaCalls {

    private ReplicaCalls() {
    }

    public static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + Api.ADMIN_TOKEN);
    }

    /** GET of {@code path} on the replica, which must answer 200. */
    public static JsonPath get(Replica replica, String path) {
        return admin().get(replica.url(path)).then().statusCode(200).extract().jsonPath();
    }

    /** The run's stored events, as {@code GET /v1/runs/{id}/events} answers them in JSON. */
    public static List<Map<String, Object>> events(Replica replica, String id) {
        return admin().accept("application/json").get(replica.url("/v1/runs/" + id + "/events")).then()
                .statusCode(200).extract().jsonPath().getList("$");
    }

    /** The events are numbered 1, 2, 3… without a gap. */
    public static void assertGapFree(List<Map<String, Object>> events) {
        assertEquals(IntStream.rangeClosed(1, events.size()).boxed().toList(),
                events.stream().map(e -> ((Number) e.get("id")).intValue()).toList(), "sequence without gaps");
    }

    public static long count(List<Map<String, Object>> events, String name) {
        return events.stream().filter(e -> name.equals(e.get("event"))).count();
    }

    public static void awaitStatus(Replica replica, String id, String status) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> status.equals(get(replica, "/v1/runs/" + id).getString("status")));
    }
}
