package dev.jobstream.trace;

import static dev.jobstream.auth.Security.ADMIN;
import static dev.jobstream.auth.Security.WORKER;
import static dev.jobstream.auth.Security.WORKSPACE_A;
import static dev.jobstream.auth.Security.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.jobstream.auth.Security;
import dev.jobstream.client.JobstreamWorker;
import dev.jobstream.support.DatabaseTest;
import dev.jobstream.support.LogCapture;
import dev.jobstream.support.MemorySpans;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.logging.json.runtime.JsonFormatter;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;

/**
 * Tracing on (an OTLP endpoint configured; the spans go to {@link MemorySpans} in its place): a trigger stores its
 * request's trace context on the run, each attempt of the run — a retry's too, a worker's too — is a span of its own
 * that links to it and carries the run, and the engine's log lines carry the attempt's trace.
 */
@QuarkusTest
@TestProfile(TracingTest.Tracing.class)
class TracingTest extends DatabaseTest {

    /** The security tests' tokens, and an OTLP endpoint: tracing turns on (nothing is sent there in tests). */
    public static class Tracing implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(new Security.Profile().getConfigOverrides());
            overrides.put("quarkus.otel.exporter.otlp.traces.endpoint", "http://localhost:4317");
            overrides.put("quarkus.otel.bsp.schedule.delay", "20ms");
            return overrides;
        }
    }

    private static final AttributeKey<String> RUN_ID = AttributeKey.stringKey("jobstream.run.id");

    @Inject
    MemorySpans spans;

    @TestHTTPResource("/")
    URL base;

    private final LogCapture log = new LogCapture("dev.jobstream");

    @BeforeEach
    void captureServiceLog() {
        spans.clear();
        log.start();
    }

    @AfterEach
    void stopCapturing() {
        log.stop();
    }

    private static String traceId(String traceparent) {
        return traceparent.substring(3, 35);
    }

    private static String spanId(String traceparent) {
        return traceparent.substring(36, 52);
    }

    private static JsonPath trigger(String job, String traceparent, Map<String, Object> body) {
        return as(ADMIN).contentType("application/json").header("traceparent", traceparent).body(body)
                .post("/v1/jobs/" + job + "/runs").then().statusCode(202).extract().jsonPath();
    }

    private static JsonPath run(String id) {
        return as(ADMIN).get("/v1/runs/" + id).then().statusCode(200).extract().jsonPath();
    }

    private static void awaitStatus(String id, String status) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> status.equals(run(id).getString("status")));
    }

    /** The attempt spans of a run, once {@code count} were exported, by attempt. */
    private List<SpanData> awaitAttempts(String runId, int count) {
        return Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> spans.named("jobstream.attempt")
                .stream().filter(s -> runId.equals(s.getAttributes().get(RUN_ID)))
                .sorted(Comparator.comparing(s -> s.getAttributes().get(AttributeKey.longKey("jobstream.attempt"))))
                .toList(), found -> found.size() >= count);
    }

    @Test
    void eachAttemptOfARunRetriedOnceIsASpanLinkedToItsTriggersTrace() {
        String caller = TraceparentTest.callersTraceparent();
        JsonPath triggered = trigger("test.flaky", caller, Map.of("workspace_id", WORKSPACE_A, "params",
                Map.of("fail_times", 1)));
        String id = triggered.getString("id");
        // the run keeps the trigger's server span: the caller's trace, the span that answered the trigger
        String stored = triggered.getString("traceparent");
        assertNotNull(stored, "the run stores its trigger's trace context");
        assertEquals(stored, Traceparent.valid(stored), "a well-formed traceparent: " + stored);
        assertEquals(traceId(caller), traceId(stored));
        assertNotEquals(spanId(caller), spanId(stored), "the server span's, a child of the caller's");
        awaitStatus(id, "completed");
        assertEquals(stored, run(id).getString("traceparent"));

        List<SpanData> attempts = awaitAttempts(id, 2);
        assertEquals(2, attempts.size(), attempts.toString());
        for (int i = 0; i < 2; i++) {
            SpanData attempt = attempts.get(i);
            assertEquals(SpanKind.CONSUMER, attempt.getKind());
            assertEquals(i + 1L, attempt.getAttributes().get(AttributeKey.longKey("jobstream.attempt")));
            assertEquals("test.flaky", attempt.getAttributes().get(AttributeKey.stringKey("jobstream.job")));
            assertEquals(WORKSPACE_A, attempt.getAttributes().get(AttributeKey.stringKey("jobstream.workspace.id")));
            assertEquals("engine", attempt.getAttributes().get(AttributeKey.stringKey("jobstream.executor")));
            // linked to the trigger, not its child: a trace of its own
            assertFalse(attempt.getParentSpanContext().isValid(), "an attempt's span is a root");
            assertNotEquals(traceId(caller), attempt.getTraceId());
            List<LinkData> links = attempt.getLinks();
            assertEquals(1, links.size(), links.toString());
            assertEquals(traceId(caller), links.get(0).getSpanContext().getTraceId());
            assertEquals(spanId(stored), links.get(0).getSpanContext().getSpanId());
        }
        assertEquals(StatusCode.ERROR, attempts.get(0).getStatus().getStatusCode());
        assertTrue(attempts.get(0).getStatus().getDescription().contains("flaky attempt 1"),
                attempts.get(0).getStatus().toString());
        assertEquals("retried", attempts.get(0).getAttributes().get(AttributeKey.stringKey(
                "jobstream.attempt.outcome")));
        assertTrue(attempts.get(0).getEvents().stream().anyMatch(e -> "exception".equals(e.getName())),
                "the failure is recorded: " + attempts.get(0).getEvents());
        assertEquals(StatusCode.UNSET, attempts.get(1).getStatus().getStatusCode());
        assertEquals("completed", attempts.get(1).getAttributes().get(AttributeKey.stringKey(
                "jobstream.attempt.outcome")));

        // the link leads to a span that was exported: the trigger's, in the caller's trace
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> spans.all().stream().anyMatch(
                s -> s.getTraceId().equals(traceId(stored)) && s.getSpanId().equals(spanId(stored))
                        && s.getKind() == SpanKind.SERVER));

        // the engine's line of the failed attempt carries the attempt's trace, as its JSON shows
        ExtLogRecord line = log.records().stream().filter(r -> id.equals(r.getMdc("run_id"))
                && "dev.jobstream.engine.Engine".equals(r.getLoggerName())).findFirst().orElseThrow();
        assertEquals(attempts.get(0).getTraceId(), line.getMdc("traceId"));
        assertEquals(attempts.get(0).getSpanId(), line.getMdc("spanId"));
        JsonObject json = new JsonObject(new JsonFormatter().format(line));
        assertEquals(attempts.get(0).getTraceId(), json.getJsonObject("mdc").getString("traceId"), json.encode());
        assertEquals(id, json.getJsonObject("mdc").getString("run_id"));
    }

    @Test
    void aWorkersClaimCarriesTheTraceparentAndItsAttemptIsASpanLinkedToIt() throws Exception {
        String job = "remote.traced-" + System.nanoTime();
        int status = as(ADMIN).contentType("application/json").body(Map.of()).put("/v1/jobs/" + job).then()
                .extract().statusCode();
        assertEquals(201, status);
        String caller = TraceparentTest.callersTraceparent();
        JsonPath triggered = trigger(job, caller, Map.of("workspace_id", WORKSPACE_A));
        String id = triggered.getString("id");
        String stored = triggered.getString("traceparent");
        assertEquals(traceId(caller), traceId(stored));

        List<String> seen = new CopyOnWriteArrayList<>();
        try (JobstreamWorker worker = JobstreamWorker.builder(URI.create(base.toString()), WORKER)
                .workerId("traced-1").pollWait(Duration.ofSeconds(2)).handle(job, run -> {
                    seen.add(String.valueOf(run.traceparent()));
                    return Map.of();
                }).start()) {
            awaitStatus(id, "completed");
        }
        assertEquals(List.of(stored), seen, "the claim carries the run's traceparent to the handler");

        SpanData attempt = awaitAttempts(id, 1).get(0);
        assertEquals("worker", attempt.getAttributes().get(AttributeKey.stringKey("jobstream.executor")));
        assertTrue(attempt.getAttributes().get(AttributeKey.stringKey("jobstream.owner")).contains("traced-1"),
                attempt.getAttributes().toString());
        assertEquals(1L, attempt.getAttributes().get(AttributeKey.longKey("jobstream.attempt")));
        assertEquals("completed", attempt.getAttributes().get(AttributeKey.stringKey("jobstream.attempt.outcome")));
        assertEquals(traceId(caller), attempt.getLinks().get(0).getSpanContext().getTraceId());
        assertEquals(spanId(stored), attempt.getLinks().get(0).getSpanContext().getSpanId());
        assertTrue(attempt.getStartEpochNanos() < attempt.getEndEpochNanos(), "from the claim to the end");
    }

    @Test
    void aMalformedTraceparentStartsAFreshTraceAndIsNotStored() {
        String malformed = "00-" + UUID.randomUUID().toString().replace("-", "").toUpperCase() + "-0123456789abcdef-01";
        JsonPath triggered = trigger("demo.noop", malformed, Map.of());
        String stored = triggered.getString("traceparent");
        assertNotNull(stored);
        assertEquals(stored, Traceparent.valid(stored));
        assertNotEquals(malformed.substring(3, 35).toLowerCase(), traceId(stored));
    }
}
