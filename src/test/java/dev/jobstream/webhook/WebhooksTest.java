package dev.jobstream.webhook;

import static dev.jobstream.support.Api.admin;
import static dev.jobstream.support.Api.awaitStatus;
import static dev.jobstream.support.Api.json;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;

/**
 * Completion webhooks against a receiving HTTP server of the test's own and the real database: a run that ends is
 * POSTed to its webhook signed (checked here with the test's own HMAC), retried after a 500 and after a receiver that
 * does not answer, each attempt visible on the run; a receiver that is down changes nothing of the run; two delivery
 * loops racing send a delivery once; internal targets are refused at registration and at delivery; a job for workers
 * and a schedule give their runs their webhook.
 */
@QuarkusTest
class WebhooksTest extends DatabaseTest {

    @Inject
    Deliveries deliveries;

    private Receiver receiver;

    @BeforeEach
    void receive() throws Exception {
        receiver = new Receiver();
    }

    @AfterEach
    void stopReceiving() throws Exception {
        receiver.close();
    }

    /** Registers a webhook to the receiver; answers its secret. */
    private String register(String name) {
        return json(Map.of("url", receiver.url(), "description", "the test's receiver")).put("/v1/webhooks/" + name)
                .then().statusCode(201).body("secret", startsWith("whsec_")).extract().path("secret");
    }

    private static String trigger(String webhook, Map<String, Object> params) {
        Map<String, Object> body = new HashMap<>(Map.of("workspace_id", UUID.randomUUID().toString(), "params",
                params));
        if (webhook != null) {
            body.put("webhook", webhook);
        }
        return json(body).post("/v1/jobs/demo.sleep/runs").then().statusCode(202).extract().path("id");
    }

    private static JsonPath deliveriesOf(String run) {
        return admin().get("/v1/runs/" + run + "/deliveries").then().statusCode(200).extract().jsonPath();
    }

    /** Waits until the run's delivery has {@code attempts} attempts written; answers the deliveries. */
    private static JsonPath awaitAttempts(String run, int attempts) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> deliveriesOf(run).getList("deliveries[0].attempts").size() == attempts);
        return deliveriesOf(run);
    }

    private void awaitRequests(int count) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests().size() >= count);
    }

    /** The signature a receiver expects, computed here as a receiver would: HMAC-SHA256(secret, t + "." + body). */
    private static String expected(String secret, String t, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
    }

    /** Checks the request's signature as a receiver would, and answers its parts. */
    private static Map<String, String> verify(Receiver.Request request, String secret) throws Exception {
        Map<String, String> parts = new HashMap<>();
        for (String part : request.header("Jobstream-Signature").split(",")) {
            String[] pair = part.split("=", 2);
            parts.put(pair[0], pair[1]);
        }
        assertTrue(Math.abs(Instant.now().getEpochSecond() - Long.parseLong(parts.get("t"))) < 300, parts.get("t"));
        assertTrue(MessageDigest.isEqual(expected(secret, parts.get("t"), request.body()).getBytes(),
                parts.get("v1").getBytes()), "the signature holds for " + request.body());
        return parts;
    }

    @Test
    void aRunThatEndsIsPostedSignedToItsWebhookAndTheDeliveryShowsOnTheRun() throws Exception {
        String secret = register("orders");
        String run = trigger("orders", Map.of("items", 0));
        awaitStatus(run, "completed").body("webhook", equalTo("orders"));
        awaitRequests(1);

        Receiver.Request request = receiver.requests().get(0);
        verify(request, secret);
        assertEquals("application/json", request.header("Content-Type"));
        assertEquals("jobstream-webhooks", request.header("User-Agent"));
        assertEquals("orders", request.header("Jobstream-Webhook"));
        JsonObject body = new JsonObject(request.body());
        assertEquals("run.ended", body.getString("type"));
        assertEquals(request.header("Jobstream-Delivery"), body.getString("id"));
        JsonObject summary = body.getJsonObject("run");
        assertEquals(run, summary.getString("id"));
        assertEquals("demo.sleep", summary.getString("job"));
        assertEquals("completed", summary.getString("status"));
        assertEquals(1, summary.getInteger("attempt"));
        assertTrue(summary.containsKey("metrics") && summary.containsKey("duration_ms")
                && summary.containsKey("finished_at") && summary.containsKey("error_code"), summary.encode());
        String wrong = expected(secret + "x", "1", request.body());
        assertNotEquals(wrong, request.header("Jobstream-Signature").replaceAll(".*v1=", ""));

        JsonPath shown = awaitAttempts(run, 1);
        assertEquals("orders", shown.getString("webhook"));
        assertEquals(request.header("Jobstream-Delivery"), shown.getString("deliveries[0].id"));
        assertEquals("delivered", shown.getString("deliveries[0].status"));
        assertEquals(200, shown.getInt("deliveries[0].attempts[0].http_status"));
        assertNull(shown.get("deliveries[0].attempts[0].error"));

        admin().get("/v1/webhooks/orders").then().statusCode(200).body("url", equalTo(receiver.url()))
                .body("$", not(hasKey("secret")));
        admin().get("/v1/webhooks").then().statusCode(200).body("webhooks[0].name", equalTo("orders"))
                .body("webhooks[0]", not(hasKey("secret")));
        // an update keeps the secret and does not show it
        json(Map.of("url", receiver.url(), "description", "changed")).put("/v1/webhooks/orders").then()
                .statusCode(200).body("description", equalTo("changed")).body("$", not(hasKey("secret")));
    }

    @Test
    void aFiveHundredThenATwoHundredDeliversOnTheSecondAttemptBothVisibleOnTheRun() throws Exception {
        String secret = register("flaky");
        receiver.answering(500);
        String run = trigger("flaky", Map.of("items", 0));
        JsonPath first = awaitAttempts(run, 1);
        assertEquals("pending", first.getString("deliveries[0].status"));
        assertEquals(500, first.getInt("deliveries[0].attempts[0].http_status"));
        Instant next = Instant.parse(first.getString("deliveries[0].next_attempt_at"));
        assertTrue(next.isAfter(Instant.now().plusSeconds(30)), "backed off: " + next);

        deliveries.runOnce(Instant.now().plus(Duration.ofHours(1))).await().atMost(Duration.ofSeconds(20));
        JsonPath second = awaitAttempts(run, 2);
        assertEquals("delivered", second.getString("deliveries[0].status"));
        assertEquals(List.of(500, 200), second.getList("deliveries[0].attempts.http_status"));
        assertEquals(List.of(1, 2), second.getList("deliveries[0].attempts.attempt"));
        List<Receiver.Request> requests = receiver.requests();
        assertEquals(2, requests.size());
        assertEquals(requests.get(0).header("Jobstream-Delivery"), requests.get(1).header("Jobstream-Delivery"));
        assertEquals(requests.get(0).body(), requests.get(1).body(), "the same body at every attempt");
        verify(requests.get(1), secret);
    }

    @Test
    void aReceiverThatDoesNotAnswerTimesOutAndIsRetried() {
        register("slow");
        receiver.answering(Receiver.HANG);
        String run = trigger("slow", Map.of("items", 0));
        JsonPath first = awaitAttempts(run, 1);
        assertEquals("pending", first.getString("deliveries[0].status"));
        assertNull(first.get("deliveries[0].attempts[0].http_status"));
        assertTrue(first.getString("deliveries[0].attempts[0].error").startsWith("no answer within 2000 ms"),
                first.prettify());
        assertTrue(first.getLong("deliveries[0].attempts[0].duration_ms") >= 1900, first.prettify());

        deliveries.runOnce(Instant.now().plus(Duration.ofHours(1))).await().atMost(Duration.ofSeconds(20));
        assertEquals("delivered", awaitAttempts(run, 2).getString("deliveries[0].status"));
    }

    @Test
    void aRunEndsTheSameWhenItsReceiverIsDown() throws Exception {
        register("down");
        receiver.close();
        String with = trigger("down", Map.of("items", 2, "delay_ms", 50));
        String without = trigger(null, Map.of("items", 2, "delay_ms", 50));
        JsonPath hooked = awaitStatus(with, "completed").extract().jsonPath();
        JsonPath plain = awaitStatus(without, "completed").extract().jsonPath();
        assertEquals(plain.getMap("metrics"), hooked.getMap("metrics"));
        assertEquals(2, hooked.getInt("processed"));
        assertTrue(hooked.getLong("duration_ms") < plain.getLong("duration_ms") + 2000, hooked.prettify());
        JsonPath failed = awaitAttempts(with, 1);
        assertEquals("pending", failed.getString("deliveries[0].status"));
        assertNull(failed.get("deliveries[0].attempts[0].http_status"));
        assertEquals("completed", awaitStatus(with, "completed").extract().path("status"), "nothing changed");
        assertEquals(0, deliveriesOf(without).getList("deliveries").size());
        receiver = new Receiver(); // for @AfterEach
    }

    @Test
    void twoDeliveryLoopsRacingSendEachDeliveryOnce() {
        register("raced");
        receiver.answering(500, 500, 500, 500, 500);
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            runs.add(trigger("raced", Map.of("items", 0)));
        }
        runs.forEach(run -> awaitAttempts(run, 1));
        assertEquals(5, receiver.requests().size());

        Instant later = Instant.now().plus(Duration.ofHours(1));
        List<CompletableFuture<Integer>> racing = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            racing.add(deliveries.runOnce(later).subscribeAsCompletionStage());
        }
        int sent = racing.stream().mapToInt(CompletableFuture::join).sum();
        assertEquals(5, sent, "each delivery claimed by one loop");
        runs.forEach(run -> assertEquals("delivered", awaitAttempts(run, 2).getString("deliveries[0].status")));
        Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> receiver.requests().size() == 10);
        Map<String, Long> perDelivery = receiver.requests().stream()
                .collect(Collectors.groupingBy(r -> r.header("Jobstream-Delivery"), Collectors.counting()));
        assertEquals(Set.of(2L), Set.copyOf(perDelivery.values()), perDelivery.toString());
    }

    @Test
    void internalTargetsAreRefusedAtRegistrationNamingWhy() {
        json(Map.of("url", "http://169.254.169.254/latest/meta-data")).put("/v1/webhooks/metadata").then()
                .statusCode(400).body("detail", containsString("is a link-local address 169.254.169.254"));
        json(Map.of("url", "https://10.0.0.7/hook")).put("/v1/webhooks/internal").then().statusCode(400)
                .body("detail", containsString("is a private address 10.0.0.7"));
        json(Map.of("url", "https://user:pw@example.com/hook")).put("/v1/webhooks/userinfo").then().statusCode(400)
                .body("detail", containsString("user or password"));
        json(Map.of("url", "ftp://example.com/hook")).put("/v1/webhooks/ftp").then().statusCode(400)
                .body("detail", containsString("http or https"));
        json(Map.of("url", receiver.url())).put("/v1/webhooks/Bad Name").then().statusCode(400);
        admin().get("/v1/webhooks/metadata").then().statusCode(404);
        assertEquals(0, db.count("SELECT count(*) FROM webhooks"));
    }

    @Test
    void aTargetRefusedAtDeliveryFailsTheDeliveryForGoodAndNothingElse() {
        // registered before the allow-list said otherwise: the delivery checks again
        db.execute("INSERT INTO webhooks (name, url, secret, updated_by) VALUES ('inside', 'http://10.1.2.3/hook',"
                + " 'whsec_0123456789abcdef0123456789abcdef', 'test')");
        String run = trigger("inside", Map.of("items", 0));
        awaitStatus(run, "completed");
        JsonPath refused = awaitAttempts(run, 1);
        assertEquals("failed", refused.getString("deliveries[0].status"));
        assertTrue(refused.getString("deliveries[0].attempts[0].error")
                .startsWith("refused: '10.1.2.3' is a private address 10.1.2.3"), refused.prettify());
    }

    @Test
    void aJobForWorkersAndAScheduleGiveTheirRunsTheirWebhookAndATriggersOverridesThem() {
        register("of-job");
        register("of-trigger");
        register("of-schedule");
        json(Map.of("webhook", "nowhere")).put("/v1/jobs/remote.hooked").then().statusCode(400)
                .body("detail", containsString("no webhook 'nowhere'"));
        json(Map.of("webhook", "of-job", "exclusive", false)).put("/v1/jobs/remote.hooked").then()
                .statusCode(org.hamcrest.Matchers.anyOf(equalTo(200), equalTo(201)));
        admin().get("/v1/jobs").then().body("find { it.name == 'remote.hooked' }.webhook", equalTo("of-job"));

        String ofJob = json(Map.of()).post("/v1/jobs/remote.hooked/runs").then().statusCode(202)
                .body("webhook", equalTo("of-job")).extract().path("id");
        json(Map.of("webhook", "of-trigger")).post("/v1/jobs/remote.hooked/runs").then().statusCode(202)
                .body("webhook", equalTo("of-trigger"));
        json(Map.of("webhook", "nowhere")).post("/v1/jobs/remote.hooked/runs").then().statusCode(400)
                .body("detail", containsString("no webhook 'nowhere'"));
        // a cancel ends the run too
        admin().post("/v1/runs/" + ofJob + "/cancel").then().statusCode(202);
        awaitAttempts(ofJob, 1);
        assertTrue(receiver.requests().stream().anyMatch(r -> r.body().contains(ofJob)
                && r.header("Jobstream-Webhook").equals("of-job") && r.body().contains("\"cancelled\"")));

        String schedule = json(Map.of("job", "demo.sleep", "cron", "* * * * *", "params", Map.of("items", 0),
                "webhook", "of-schedule")).post("/v1/schedules").then().statusCode(201)
                .body("webhook", equalTo("of-schedule")).extract().path("id");
        db.execute("UPDATE job_schedules SET next_fire_at = now() - interval '1 second' WHERE id = $1",
                UUID.fromString(schedule));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> db.count(
                "SELECT count(*) FROM job_runs WHERE schedule_id = $1", UUID.fromString(schedule)) == 1);
        String ticked = db.rows("SELECT id FROM job_runs WHERE schedule_id = $1", UUID.fromString(schedule))
                .iterator().next().getUUID("id").toString();
        awaitStatus(ticked, "completed").body("webhook", equalTo("of-schedule"));
        assertEquals("delivered", awaitAttempts(ticked, 1).getString("deliveries[0].status"));
        json(Map.of("webhook", "")).patch("/v1/schedules/" + schedule).then().statusCode(200)
                .body("webhook", equalTo(null));
    }

    @Test
    void aRotatedSecretSignsTheNextDeliveriesAndADeletedRunTakesItsDeliveries() throws Exception {
        String old = register("rotated");
        String secret = admin().post("/v1/webhooks/rotated/secret").then().statusCode(200)
                .body("secret", startsWith("whsec_")).extract().path("secret");
        assertNotEquals(old, secret);
        String run = trigger("rotated", Map.of("items", 0));
        awaitRequests(1);
        verify(receiver.requests().get(0), secret);
        awaitAttempts(run, 1);

        admin().delete("/v1/runs/" + run).then().statusCode(204);
        assertEquals(0, db.count("SELECT count(*) FROM webhook_deliveries WHERE run_id = $1", UUID.fromString(run)));
        admin().delete("/v1/webhooks/rotated").then().statusCode(204);
        admin().delete("/v1/webhooks/rotated").then().statusCode(404);
    }
}
