package dev.jobstream.run;

import static dev.jobstream.support.Api.admin;
import static dev.jobstream.support.Api.json;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class RunListTest extends DatabaseTest {

    @Test
    void pagingThrough120RunsWithTheCursorHasNoDuplicatesAndNoGaps() {
        List<String> created = new ArrayList<>();
        for (int batch = 0; batch < 3; batch++) {
            List<Map<String, Object>> runs = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                runs.add(Map.of("workspace_id", UUID.randomUUID().toString(), "params", Map.of("items", 0)));
            }
            created.addAll(json(Map.of("runs", runs)).post("/v1/jobs/demo.sleep/runs/batch").then().statusCode(200)
                    .body("results.status", everyItem(equalTo(202))).extract().<List<String>>path("results.run.id"));
        }

        List<String> seen = new ArrayList<>();
        List<Instant> createdAt = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonPath page = admin().queryParam("job", "demo.sleep").queryParam("limit", 50)
                    .queryParam("cursor", cursor == null ? "" : cursor)
                    .get("/v1/runs").then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("runs.id"));
            page.<String>getList("runs.created_at").forEach(t -> createdAt.add(Instant.parse(t)));
            cursor = page.getString("next_cursor");
            pages++;
        } while (cursor != null);

        assertEquals(3, pages);
        assertEquals(120, seen.size());
        assertEquals(new HashSet<>(created), new HashSet<>(seen), "every run once, none missing");
        for (int i = 1; i < createdAt.size(); i++) {
            assertEquals(true, !createdAt.get(i).isAfter(createdAt.get(i - 1)), "newest first");
        }
    }

    @Test
    void filtersSelectByJobWorkspaceStatusAndDryRun() {
        String workspace = UUID.randomUUID().toString();
        json(Map.of("runs", List.of(
                Map.of("workspace_id", workspace, "dry_run", true, "params", Map.of("items", 0)),
                Map.of("params", Map.of("items", 0)))))
                .post("/v1/jobs/demo.sleep/runs/batch").then().statusCode(200);
        org.awaitility.Awaitility.await().until(() -> db.count(
                "SELECT count(*) FROM job_runs WHERE status = 'completed'") == 2);

        admin().get("/v1/runs?workspace_id={w}", workspace).then().statusCode(200)
                .body("runs", hasSize(1)).body("runs[0].dry_run", equalTo(true)).body("next_cursor", nullValue());
        admin().get("/v1/runs?dry_run=false").then().body("runs", hasSize(1))
                .body("runs[0].workspace_id", equalTo("00000000-0000-0000-0000-000000000000"));
        admin().get("/v1/runs?status=completed&job=demo.sleep").then().body("runs", hasSize(2));
        admin().get("/v1/runs?status=failed").then().body("runs", hasSize(0));
        admin().get("/v1/runs?status=stale").then().body("runs", hasSize(0));
        admin().get("/v1/runs?job=errors.rollup").then().body("runs", hasSize(0));
        assertNull(admin().get("/v1/runs?limit=2").then().extract().path("next_cursor"));
    }
}
