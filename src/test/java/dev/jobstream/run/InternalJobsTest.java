package dev.jobstream.run;

import static dev.jobstream.support.Api.admin;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The self-test's own job ({@code selftest.sleep}) is internal: not listed, and a trigger from outside the service is a
 * 404 as for a job that does not exist — whichever token, header or endpoint it uses.
 */
@QuarkusTest
class InternalJobsTest extends DatabaseTest {

    @Test
    void anInternalJobIsNeitherListedNorTriggeredFromOutside() {
        admin().get("/v1/jobs").then().statusCode(200).body("name", not(hasItem("selftest.sleep")))
                .body("name", hasItem("demo.sleep"));
        admin().contentType("application/json").body(Map.of()).post("/v1/jobs/selftest.sleep/runs").then()
                .statusCode(404).body("detail", equalTo("Unknown job 'selftest.sleep'"));
        admin().header("X-Jobstream-Internal", "0".repeat(64)).contentType("application/json").body(Map.of())
                .post("/v1/jobs/selftest.sleep/runs").then().statusCode(404);
        admin().contentType("application/json").body(Map.of("runs", List.of(Map.of())))
                .post("/v1/jobs/selftest.sleep/runs/batch").then().statusCode(404);
        admin().accept("text/event-stream").contentType("application/json").body(Map.of())
                .post("/v1/jobs/selftest.sleep/runs").then().statusCode(404);
        org.junit.jupiter.api.Assertions.assertEquals(0, db.count("SELECT count(*) FROM job_runs"));
    }
}
