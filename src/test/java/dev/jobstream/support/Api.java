package dev.jobstream.support;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.util.Map;

import org.awaitility.Awaitility;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

/** HTTP helpers for tests: requests carry the test admin token; waits use Awaitility. */
public final class Api {

    public static final String ADMIN_TOKEN = "test-admin-token-0123456789abcdef";
    public static final String GLOBAL = "00000000-0000-0000-0000-000000000000";

    private Api() {
    }

    public static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + ADMIN_TOKEN);
    }

    public static RequestSpecification json(Object body) {
        return admin().contentType(ContentType.JSON).body(body);
    }

    /** Triggers a run and answers its id; fails unless the answer is 202. */
    public static String trigger(String job, Map<String, Object> body) {
        return json(body).post("/v1/jobs/{job}/runs", job).then().statusCode(202).extract().path("id");
    }

    public static ValidatableResponse run(String id) {
        return admin().get("/v1/runs/{id}", id).then().statusCode(200);
    }

    /** Waits until the run reaches {@code status} and answers the run's JSON. */
    public static ValidatableResponse awaitStatus(String id, String status) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> status.equals(run(id).extract().path("status")));
        return run(id);
    }
}
