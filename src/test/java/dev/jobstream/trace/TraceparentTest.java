package dev.jobstream.trace;

import static dev.jobstream.support.Api.awaitStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.jobstream.client.JobstreamClient;
import dev.jobstream.support.Api;
import dev.jobstream.support.DatabaseTest;
import dev.jobstream.support.MemorySpans;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Tracing off, as configured by default (no OTLP endpoint): nothing is recorded or exported, and a trigger stores
 * the {@code traceparent} header it came with if it is well-formed — a malformed one is ignored, never refused.
 */
@QuarkusTest
class TraceparentTest extends DatabaseTest {

    @Inject
    MemorySpans spans;
    @Inject
    OpenTelemetry openTelemetry;
    @ConfigProperty(name = "quarkus.otel.sdk.disabled")
    boolean sdkDisabled;
    @TestHTTPResource("/")
    URL base;

    /** A traceparent of a caller's own, sampled: a new trace id and span id. */
    static String callersTraceparent() {
        byte[] ids = new byte[24];
        ThreadLocalRandom.current().nextBytes(ids);
        String hex = HexFormat.of().formatHex(ids);
        return "00-" + hex.substring(0, 32) + "-" + hex.substring(32) + "-01";
    }

    private static JsonPath trigger(String traceparent) {
        return Api.admin().contentType("application/json").header("traceparent", traceparent).body(Map.of())
                .post("/v1/jobs/demo.noop/runs").then().statusCode(202).extract().jsonPath();
    }

    @Test
    void withoutAnEndpointTheSdkIsOffAndNothingIsExported() throws Exception {
        assertTrue(sdkDisabled, "quarkus.otel.sdk.disabled without an OTLP endpoint");
        spans.clear();
        String caller = callersTraceparent();
        String id = trigger(caller).getString("id");
        awaitStatus(id, "completed");
        // no server span took the request: the run keeps the header itself, as the Java client reads it too
        assertEquals(caller, Api.run(id).extract().path("traceparent"));
        assertEquals(caller, JobstreamClient.builder(URI.create(base.toString())).token(Api.ADMIN_TOKEN).build()
                .run(UUID.fromString(id)).traceparent());
        if (ClientProxy.unwrap(openTelemetry) instanceof OpenTelemetrySdk sdk) {
            assertTrue(sdk.getSdkTracerProvider().forceFlush().join(5, TimeUnit.SECONDS).isSuccess());
        }
        assertEquals(List.of(), spans.all());
    }

    @Test
    void aMalformedTraceparentIsIgnoredAndTheTriggerAccepted() {
        String valid = callersTraceparent();
        for (String malformed : List.of("garbage", valid.toUpperCase(), "01" + valid.substring(2),
                valid.substring(0, 54), valid + "0", valid.replace('-', '_'),
                "00-00000000000000000000000000000000-0123456789abcdef-01",
                "00-0123456789abcdef0123456789abcdef-0000000000000000-01",
                valid.substring(0, 53) + "zz")) {
            JsonPath run = trigger(malformed);
            assertNull(run.getString("traceparent"), malformed);
            assertNull(Api.run(run.getString("id")).extract().path("traceparent"), malformed);
        }
        // and a batch: each of its runs keeps the batch's header, or none
        JsonPath batch = Api.admin().contentType("application/json").header("traceparent", valid)
                .body(Map.of("runs", List.of(Map.of(), Map.of()))).post("/v1/jobs/demo.noop/runs/batch").then()
                .statusCode(200).extract().jsonPath();
        assertEquals(List.of(valid, valid), batch.getList("results.run.traceparent"));
    }

    @Test
    void aRunTriggeredWithoutTraceparentHasNone() {
        String id = Api.trigger("demo.noop", Map.of());
        assertNull(Api.run(id).extract().path("traceparent"));
    }
}
