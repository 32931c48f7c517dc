package dev.jobstream.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.jobstream.support.Api;
import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * A seeded fuzz over every endpoint: malformed ids, query values, bodies and tokens — path traversal, SQL, invalid
 * UTF-8, NUL characters, deep and huge JSON, wrong types, forged cursors. No answer may be a 5xx or show a stack
 * trace, a class name or SQL; the run is bounded in requests and in time.
 */
@QuarkusTest
@TestProfile(Security.Profile.class)
class HostileInputTest extends DatabaseTest {

    static final long SEED = 20261123L;
    static final int REQUESTS = 3000;
    static final Duration TIME_BOUND = Duration.ofSeconds(90);
    /** What must never reach a client: exception and class names, stack frames, SQL and driver messages. */
    static final Pattern LEAK = Pattern.compile(
            "Exception|\\bat [a-z]+\\.[a-z]+\\.|java\\.|jakarta\\.|io\\.vertx|io\\.quarkus|org\\.postgresql|SQLSTATE|"
                    + "syntax error|\\bSELECT\\b|\\bINSERT\\b|\\bUPDATE job_runs|pg_|dev\\.jobstream");

    static final List<String> IDS = List.of("../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f",
            "'%20OR%20'1'='1",
            "1;DROP%20TABLE%20job_runs", "%00", "%C3%28", "%FF%FE", "-1", "0", "99999999999999999999999", "null",
            "%7B%7D", "%F0%9F%98%80", "a".repeat(1000), UUID.randomUUID().toString(), "00000000-0000-0000-0000-0000",
            "ZZZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZZZZZZZ");
    static final List<String> JOBS = List.of("demo.sleep", "..%2F..%2Fx", "%00", "nope", "demo.sleep%27--",
            "x".repeat(500), "%C3%28");
    static final List<String> QUERIES = List.of("", "?limit=-1", "?limit=0", "?limit=99999999999", "?limit=abc",
            "?limit=1e3", "?cursor=AAAA", "?cursor=%FF%FE", "?cursor=%27%20OR%201=1--", "?cursor=" + "Q".repeat(4000),
            "?status=%27;DROP", "?status=stale", "?after=-5", "?after=2147483648", "?wait=-1", "?wait=100000",
            "?force=maybe", "?workspace_id=not-a-uuid", "?workspace_id=%00", "?job=" + "j".repeat(2000),
            "?dry_run=yes", "?severity=fatal", "?kind=lower", "?unresolved=2", "?run_id=x", "?limit=10&limit=20",
            "?after=%C3%28");
    static final List<String> BODIES = List.of("", "{", "[]", "null", "\"text\"", "123", "[".repeat(100_000),
            "{\"params\":" + "{\"a\":".repeat(3000) + "1" + "}".repeat(3001),
            "{\"workspace_id\":5}", "{\"workspace_id\":\"../x\"}", "{\"params\":{\"items\":\"x\"}}",
            "{\"params\":{\"items\":1e308}}", "{\"params\":{\"items\":-1}}", "{\"params\":{\"items\":99999999999}}",
            "{\"unknown\":1}", "{\"params\":{\"items\":1,\"evil\":\"" + "e".repeat(17_000) + "\"}}",
            "{\"idempotency_key\":\"a\\u0000b\"}", "{\"params\":{\"items\":1},\"idempotency_key\":\"a\\u0000b\"}",
            "{\"workspace_id\":\"\\u0000\"}", "{\"runs\":\"x\"}", "{\"runs\":[null]}", "{\"runs\":[5]}",
            "{\"runs\":[{\"params\":{\"items\":\"x\"}}]}", "{\"dry_run\":\"yes\"}", "{\"params\":[]}",
            "\uFEFF{\"params\":{}}", "{\"params\":{\"items\":1}}" + " ".repeat(70_000),
            "{\"idempotency_key\":\"" + "k".repeat(300) + "\"}");
    static final byte[] INVALID_UTF8 = {'{', '"', 'p', 'a', 'r', 'a', 'm', 's', '"', ':', '{', '"', (byte) 0xC3,
            (byte) 0x28, '"', ':', '1', '}', '}'};

    @TestHTTPResource("/")
    URL base;

    @Test
    void thousandsOfMalformedRequestsGetNoServerErrorAndNoLeak() {
        Random random = new Random(SEED);
        String root = base.toString().replaceAll("/$", "");
        List<Endpoints.Endpoint> endpoints = Endpoints.all().stream()
                // the self-test takes no input; running it thousands of times would test nothing more
                .filter(e -> !e.path().equals("/v1/selftest")).toList();
        List<String> tokens = List.of(Api.ADMIN_TOKEN, Api.ADMIN_TOKEN, Api.ADMIN_TOKEN, Security.OPERATOR,
                Security.SCOPED, Security.VIEWER, "garbage", "Bearer%00", "e30.e30.e30");
        List<String> failures = new ArrayList<>();
        Instant deadline = Instant.now().plus(TIME_BOUND);
        int sent = 0;
        while (sent < REQUESTS && Instant.now().isBefore(deadline)) {
            Endpoints.Endpoint endpoint = endpoints.get(random.nextInt(endpoints.size()));
            String run = random.nextInt(4) == 0 ? db.insertCompletedRun(UUID.randomUUID()) : pick(random, IDS);
            String path = endpoint.url(run, pick(random, JOBS)) + pick(random, QUERIES);
            byte[] body = null;
            if (!"GET".equals(endpoint.method())) {
                body = random.nextInt(10) == 0 ? INVALID_UTF8 : pick(random, BODIES).getBytes(StandardCharsets.UTF_8);
            }
            Http.Answer answer;
            try {
                answer = Http.send(root, endpoint.method(), path, pick(random, tokens),
                        endpoint.sse() ? "text/event-stream" : "application/json", body);
            } catch (RuntimeException e) {
                if (Http.overRequestLineLimit(endpoint.method(), path) && body != null) {
                    // the server closes the connection at once after its 414 (see Http), which can reset it while the
                    // body is still being sent: no answer, and still no 5xx or leak
                    sent++;
                    continue;
                }
                failures.add(endpoint + " " + abbreviate(path) + ": no answer: " + e.getMessage());
                sent++;
                continue;
            }
            if (answer.status() >= 500 || LEAK.matcher(answer.body()).find()) {
                failures.add(endpoint + " " + abbreviate(path) + " → " + answer.status() + " "
                        + abbreviate(answer.body()));
            }
            sent++;
        }
        assertTrue(sent >= 1000, "at least 1,000 requests within " + TIME_BOUND + ", sent " + sent);
        assertEquals(List.of(), failures.stream().limit(20).toList(), failures.size() + " of " + sent + " failed");
    }

    @Test
    void nulCharactersNeverReachTheDatabase() {
        String root = base.toString().replaceAll("/$", "");
        for (String body : List.of("{\"idempotency_key\":\"a\\u0000b\"}",
                "{\"params\":{\"items\":1},\"idempotency_key\":\"\\u0000\"}")) {
            Http.Answer answer = Http.send(root, "POST", "/v1/jobs/demo.sleep/runs", Api.ADMIN_TOKEN,
                    "application/json", body.getBytes(StandardCharsets.UTF_8));
            assertEquals(400, answer.status(), body + " → " + answer.body());
            assertTrue(answer.body().contains("NUL"), answer.body());
        }
    }

    @Test
    void overlongRequestLinesAreClientErrors() {
        String root = base.toString().replaceAll("/$", "");
        assertEquals(400, Http.send(root, "GET", "/v1/runs/" + "a".repeat(3000), Api.ADMIN_TOKEN,
                "application/json", null).status(), "not a run id");
        assertEquals(414, Http.send(root, "GET", "/v1/runs/" + "a".repeat(5000), Api.ADMIN_TOKEN,
                "application/json", null).status(), "over the HTTP server's request line limit (4 KiB)");
    }

    @Test
    void answersTellBrowsersNotToSniffTheirType() {
        String root = base.toString().replaceAll("/$", "");
        for (String path : List.of("/v1/runs", "/v1/nope", "/q/health/live")) {
            java.net.http.HttpResponse<String> response = raw(root + path);
            assertEquals(List.of("nosniff"), response.headers().allValues("X-Content-Type-Options"), path);
        }
    }

    private static java.net.http.HttpResponse<String> raw(String url) {
        try {
            return java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build()
                    .send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                            .header("Authorization", "Bearer " + Api.ADMIN_TOKEN).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String pick(Random random, List<String> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }

}
