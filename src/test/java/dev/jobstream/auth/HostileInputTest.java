package dev.jobstream.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.jobstream.support.Api;
import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Hostile input the fuzzer ({@link dev.jobstream.api.ApiFuzzTest}) does not assert in detail: NUL characters are
 * refused before the database with a 400 that says so, request lines over the server's limit are a 414, and answers
 * tell browsers not to sniff their type.
 */
@QuarkusTest
@TestProfile(Security.Profile.class)
class HostileInputTest extends DatabaseTest {

    @TestHTTPResource("/")
    URL base;

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

}
