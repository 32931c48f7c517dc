package dev.jobstream.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The worker library's calls on one run, in the order they reach a service that answers reports slowly: the end of
 * an attempt waits for the report in flight, and no report follows the end.
 */
class RunContextOrderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer service;
    private final UUID runId = UUID.randomUUID();
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final AtomicInteger reportsInFlight = new AtomicInteger();
    private final CountDownLatch reportArrived = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);
    /** What reached the service, in order: "report", "end", "end during a report", "report after the end". */
    private final List<String> calls = new CopyOnWriteArrayList<>();

    RunContextOrderTest() throws IOException {
        service = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        service.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        service.createContext("/v1/workers/claim", this::claim);
        service.createContext("/v1/workers/runs/ends", this::ends);
        service.createContext("/v1/workers/runs/" + runId + "/report", this::report);
        service.start();
    }

    @AfterEach
    void stop() {
        service.stop(0);
    }

    @Test
    void anEndWaitsForTheReportInFlightAndNoReportFollowsIt() throws Exception {
        URI url = URI.create("http://127.0.0.1:" + service.getAddress().getPort() + "/");
        try (JobstreamWorker worker = JobstreamWorker.builder(url, "token").workerId("order-1")
                .pollWait(Duration.ofSeconds(1)).reportEvery(Duration.ofMillis(20)).closeGrace(Duration.ofSeconds(5))
                .handle("stub.job", run -> {
                    // a timer report is at the service, held there: the handler returns while it is in flight
                    assertTrue(reportArrived.await(10, TimeUnit.SECONDS));
                    return Map.of();
                }).start()) {
            assertTrue(ended.await(10, TimeUnit.SECONDS), "the run was ended");
            Thread.sleep(200); // timer reports that would follow the end have had ten chances to come
        }
        assertEquals("end", calls.stream().filter(call -> call.startsWith("end")).findFirst().orElseThrow(),
                "what reached the service: " + calls);
        assertTrue(calls.stream().noneMatch(call -> call.equals("report after the end")),
                "what reached the service: " + calls);
    }

    private void claim(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        if (claimed.compareAndSet(false, true)) {
            reply(exchange, Map.of("runs", List.of(Map.of("run_id", runId.toString(), "job", "stub.job",
                    "workspace_id", UUID.randomUUID().toString(), "params", Map.of(), "dry_run", false,
                    "attempt", 1, "max_attempts", 1,
                    "lease", Map.of("token", "lease-1", "expires_at", Instant.now().plusSeconds(30).toString())))));
            return;
        }
        pause(Duration.ofMillis(300));
        reply(exchange, Map.of("runs", List.of()));
    }

    private void report(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        calls.add(ended.getCount() == 0 ? "report after the end" : "report");
        reportsInFlight.incrementAndGet();
        reportArrived.countDown();
        pause(Duration.ofMillis(300));
        reportsInFlight.decrementAndGet();
        reply(exchange, Map.of("state", "running",
                "lease", Map.of("expires_at", Instant.now().plusSeconds(30).toString())));
    }

    private void ends(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        calls.add(reportsInFlight.get() > 0 ? "end during a report" : "end");
        ended.countDown();
        reply(exchange, Map.of("results", List.of(Map.of("code", 200, "status", "completed"))));
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void reply(HttpExchange exchange, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
