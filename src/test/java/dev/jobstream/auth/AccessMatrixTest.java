package dev.jobstream.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import dev.jobstream.support.Api;
import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Role × endpoint: every {@code /v1} endpoint found in the compiled classes, called with no token, a bad token, an
 * expired one, and a token of each role (static and JWT). Unauthenticated callers get 401 with a Bearer challenge,
 * callers whose role is short 403, the others reach the endpoint. An endpoint without an access rule fails here.
 */
@QuarkusTest
@TestProfile(Security.Profile.class)
class AccessMatrixTest extends DatabaseTest {

    @TestHTTPResource("/")
    URL base;

    private record Who(String label, String token, Role role) {
    }

    @Test
    void everyEndpointHasAnAccessRule() {
        List<Endpoints.Endpoint> endpoints = Endpoints.all();
        List<Endpoints.Endpoint> unruled = endpoints.stream().filter(e -> e.role() == null).toList();
        assertEquals(List.of(), unruled, "endpoints without @RolesAllowed");
        assertTrue(endpoints.size() >= 19, "every endpoint of the HTTP API: " + endpoints);
    }

    @TestFactory
    Stream<DynamicTest> everyEndpointAnswersEachCallerAsItsRoleAllows() {
        Instant inAnHour = Instant.now().plusSeconds(3600);
        List<Who> callers = List.of(
                new Who("no token", null, null),
                new Who("unknown token", "not-a-token", null),
                new Who("expired token", Security.EXPIRED, null),
                new Who("expired JWT", Security.jwt("jo", List.of("admin"), null, Instant.now().minusSeconds(120)),
                        null),
                new Who("viewer", Security.VIEWER, Role.VIEWER),
                new Who("viewer JWT", Security.jwt("vi", List.of("viewer"), null, inAnHour), Role.VIEWER),
                new Who("operator", Security.OPERATOR, Role.OPERATOR),
                new Who("operator JWT", Security.jwt("op", List.of("operator"), null, inAnHour), Role.OPERATOR),
                new Who("admin (file)", Security.ADMIN, Role.ADMIN),
                new Who("admin (env)", Api.ADMIN_TOKEN, Role.ADMIN),
                new Who("worker", Security.WORKER, Role.WORKER),
                new Who("worker JWT", Security.jwt("wk", List.of("worker"), null, inAnHour), Role.WORKER));
        String root = base.toString().replaceAll("/$", "");
        return Endpoints.all().stream().filter(e -> e.role() != null).map(endpoint -> DynamicTest.dynamicTest(
                endpoint + " needs " + endpoint.role().value(), () -> {
                    List<String> failures = new ArrayList<>();
                    for (Who who : callers) {
                        String runId = completedRun();
                        Http.Answer answer = Http.send(root, endpoint.method(), endpoint.url(runId, "demo.sleep"),
                                who.token(), endpoint.sse() ? "text/event-stream" : "application/json",
                                "POST".equals(endpoint.method()) ? body(endpoint) : null);
                        int expected = who.role() == null ? 401 : who.role().includes(endpoint.role()) ? 0 : 403;
                        boolean ok = expected == 0
                                ? answer.status() != 401 && answer.status() != 403 && answer.status() < 500
                                : answer.status() == expected;
                        if (expected == 401) {
                            ok &= answer.challenge() != null && answer.challenge().startsWith("Bearer");
                        }
                        if (expected != 0) {
                            ok &= answer.body().contains("\"status\":" + expected);
                        }
                        if (!ok) {
                            failures.add(who.label() + " → " + answer.status() + " " + answer.body());
                        }
                    }
                    assertEquals(List.of(), failures);
                }));
    }

    @Test
    void aJwtCallerIsNamedApartFromStaticTokens() {
        String token = Security.jwt("operator", List.of("operator"), null, Instant.now().plusSeconds(60));
        String root = base.toString().replaceAll("/$", "");
        Http.Answer me = Http.send(root, "GET", "/v1/me", token, "application/json", null);
        assertTrue(me.body().contains("\"name\":\"jwt:operator\""), me.body());
        Http.Answer run = Http.send(root, "POST", "/v1/jobs/demo.sleep/runs", token, "application/json",
                ("{\"workspace_id\":\"" + UUID.randomUUID() + "\",\"params\":{\"items\":0}}").getBytes());
        assertEquals(202, run.status(), run.body());
        assertTrue(run.body().contains("\"triggered_by\":\"jwt:operator\""), run.body());
    }

    @Test
    void aJwtSubjectIsBoundedWhereItEntersSoEveryNameItBecomesFits() {
        String root = base.toString().replaceAll("/$", "");
        String longest = Security.jwt("s".repeat(100), List.of("operator"), null, Instant.now().plusSeconds(60));
        Http.Answer triggered = Http.send(root, "POST", "/v1/jobs/demo.sleep/runs", longest, "application/json",
                ("{\"workspace_id\":\"" + UUID.randomUUID() + "\",\"params\":{\"items\":600,\"delay_ms\":50}}")
                        .getBytes());
        assertEquals(202, triggered.status(), triggered.body());
        String id = io.restassured.path.json.JsonPath.from(triggered.body()).getString("id");
        for (String action : List.of("pause", "resume", "cancel?force=true", "retry")) {
            Http.Answer answer = Http.send(root, "POST", "/v1/runs/" + id + "/" + action, longest,
                    "application/json", null);
            assertTrue(answer.status() < 500, action + " → " + answer.status() + " " + answer.body());
        }
        Http.Answer bulk = Http.send(root, "POST", "/v1/runs/bulk", longest, "application/json",
                "{\"action\":\"cancel\",\"status\":\"queued\"}".getBytes());
        assertTrue(bulk.status() < 500, "bulk → " + bulk.status() + " " + bulk.body());

        String tooLong = Security.jwt("s".repeat(197), List.of("operator"), null, Instant.now().plusSeconds(60));
        Http.Answer refused = Http.send(root, "GET", "/v1/me", tooLong, "application/json", null);
        assertEquals(401, refused.status(), refused.body());
        assertTrue(refused.body().contains("100"), refused.body());
    }

    @Test
    void aJwtExpiringBeyondWhatAnInstantHoldsNeverExpires() {
        String farAway = Security.sign(new io.vertx.core.json.JsonObject().put("iss", Security.ISSUER)
                .put("aud", Security.AUDIENCE).put("sub", "far").put("groups", new io.vertx.core.json.JsonArray()
                        .add("viewer"))
                .put("iat", java.time.Instant.now().getEpochSecond()).put("exp", Long.MAX_VALUE));
        Http.Answer answer = Http.send(base.toString().replaceAll("/$", ""), "GET", "/v1/runs", farAway,
                "application/json", null);
        assertEquals(200, answer.status(), answer.body());
    }

    @Test
    void aJwtWithoutAKnownRoleIsAuthenticatedButMayDoNothing() {
        String token = Security.jwt("nobody", List.of("staff"), null, Instant.now().plusSeconds(60));
        Http.Answer answer = Http.send(base.toString().replaceAll("/$", ""), "GET", "/v1/runs", token,
                "application/json", null);
        assertEquals(403, answer.status(), answer.body());
        assertTrue(answer.body().contains("has no role"), answer.body());
    }

    @Test
    void aJwtWhoseListClaimsHoldOtherThanStringsIsRefusedAndToldWhy() {
        String root = base.toString().replaceAll("/$", "");
        for (String claim : List.of("workspaces", "jobs")) {
            for (Object item : List.of(7, true, new io.vertx.core.json.JsonObject().put("id", "x"),
                    new io.vertx.core.json.JsonArray().add("nested"))) {
                String token = Security.sign(new io.vertx.core.json.JsonObject().put("iss", Security.ISSUER)
                        .put("aud", Security.AUDIENCE).put("sub", "odd")
                        .put("groups", new io.vertx.core.json.JsonArray().add("worker"))
                        .put(claim, new io.vertx.core.json.JsonArray().add(item))
                        .put("iat", Instant.now().getEpochSecond())
                        .put("exp", Instant.now().plusSeconds(60).getEpochSecond()));
                Http.Answer answer = Http.send(root, "GET", "/v1/me", token, "application/json", null);
                assertEquals(401, answer.status(), claim + " " + item + ": " + answer.body());
                assertTrue(answer.body().contains("'" + claim + "' must be a list of"),
                        claim + " " + item + ": " + answer.body());
            }
        }
    }

    @Test
    void aJwtSignedWithAnotherKeyOrIssuerOrForAnotherAudienceIsRefused() {
        String valid = Security.jwt("op", List.of("operator"), null, Instant.now().plusSeconds(60));
        String[] parts = valid.split("\\.");
        String tampered = parts[0] + "." + parts[1].substring(0, parts[1].length() - 4) + "AAAA." + parts[2];
        String otherIssuer = Security.sign(new io.vertx.core.json.JsonObject().put("iss", "https://evil.test")
                .put("aud", Security.AUDIENCE).put("sub", "op")
                .put("groups", new io.vertx.core.json.JsonArray().add("admin"))
                .put("exp", Instant.now().plusSeconds(60).getEpochSecond()));
        String otherAudience = Security.sign(new io.vertx.core.json.JsonObject().put("iss", Security.ISSUER)
                .put("aud", "another-service").put("sub", "op")
                .put("groups", new io.vertx.core.json.JsonArray().add("admin"))
                .put("exp", Instant.now().plusSeconds(60).getEpochSecond()));
        String noAudience = Security.sign(new io.vertx.core.json.JsonObject().put("iss", Security.ISSUER)
                .put("sub", "op").put("groups", new io.vertx.core.json.JsonArray().add("admin"))
                .put("exp", Instant.now().plusSeconds(60).getEpochSecond()));
        String root = base.toString().replaceAll("/$", "");
        for (String token : List.of(tampered, otherIssuer, otherAudience, noAudience)) {
            Http.Answer answer = Http.send(root, "GET", "/v1/runs", token, "application/json", null);
            assertEquals(401, answer.status(), answer.body());
            assertNotNull(answer.challenge());
        }
        assertEquals(200, Http.send(root, "GET", "/v1/runs", valid, "application/json", null).status());
    }

    private static byte[] body(Endpoints.Endpoint endpoint) {
        String json = endpoint.path().endsWith("/batch")
                ? "{\"runs\":[{\"workspace_id\":\"" + UUID.randomUUID() + "\",\"params\":{\"items\":0}}]}"
                : endpoint.path().endsWith("/runs")
                        ? "{\"workspace_id\":\"" + UUID.randomUUID() + "\",\"params\":{\"items\":0}}"
                        : "";
        return json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A completed run of the global workspace, written straight to the table. */
    private String completedRun() {
        return db.insertCompletedRun(UUID.fromString(Api.GLOBAL));
    }
}
