package dev.jobstream.selftest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One run of the end-to-end self-test over this instance's own HTTP API: each check is reported as it
 * ends, and every run it created is force-cancelled and deleted at the end, also when a check failed.
 */
final class SelfTest {

    /** What the self-test reports: a check's outcome, or the summary at the end. */
    record Report(String check, boolean passed, String message, JsonObject summary) {
    }

    private record Check(String name, Supplier<Uni<Void>> body) {
    }

    /** A check's expectation that did not hold. */
    static final class Failed extends RuntimeException {
        Failed(String message) {
            super(message, null, false, false);
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String SLOW = "{\"workspace_id\":\"%s\",\"params\":{\"items\":600,\"delay_ms\":50}}";

    private final SelfTestClient api;
    private final Set<String> created = new LinkedHashSet<>();
    private final List<String> passed = new ArrayList<>();
    private final List<String> failed = new ArrayList<>();
    private String run1;
    private String run2;
    private String run3;
    private String run4;

    SelfTest(SelfTestClient api) {
        this.api = api;
    }

    Multi<Report> run() {
        List<Check> checks = List.of(
                new Check("error cases answer 400/404", this::errorCases),
                new Check("run 1 runs to completion", this::runToCompletion),
                new Check("events of run 1 replay as JSON and as SSE", this::eventsReplay),
                new Check("run 2 pauses and resumes", this::pauseAndResume),
                new Check("run 3 is cancelled", this::cancel),
                new Check("terminal runs refuse control; run 2 is force-cancelled", this::refusalsAndForce),
                new Check("active runs refuse delete; terminal runs are deleted", this::deletes));
        Multi<Report> reports = Multi.createFrom().iterable(checks).onItem().transformToUniAndConcatenate(check -> check
                .body().get()
                .map(v -> {
                    passed.add(check.name());
                    return new Report(check.name(), true, "PASS " + check.name(), null);
                })
                .onFailure().recoverWithItem(failure -> {
                    failed.add(check.name());
                    return new Report(check.name(), false, "FAIL " + check.name() + ": " + failure.getMessage(),
                            null);
                }));
        Uni<Report> summary = cleanUp().map(v -> new Report(null, failed.isEmpty(), "done", new JsonObject()
                .put("passed", passed.size()).put("failed", failed.size())
                .put("passed_tests", new JsonArray(passed)).put("failed_tests", new JsonArray(failed))));
        return Multi.createBy().concatenating().streams(reports, summary.toMulti());
    }

    // ---- the checks ----

    private Uni<Void> errorCases() {
        String absent = "/v1/runs/" + UUID.randomUUID();
        return expect(api.get(absent), 404, "get unknown run")
                .flatMap(v -> expect(api.get(absent + "/progress"), 404, "progress of unknown run"))
                .flatMap(v -> expect(api.get(absent + "/events"), 404, "events of unknown run"))
                .flatMap(v -> expect(api.get(absent + "/result"), 404, "result of unknown run"))
                .flatMap(v -> expect(api.post(absent + "/pause", null), 404, "pause unknown run"))
                .flatMap(v -> expect(api.post(absent + "/resume", null), 404, "resume unknown run"))
                .flatMap(v -> expect(api.post(absent + "/cancel", null), 404, "cancel unknown run"))
                .flatMap(v -> expect(api.delete(absent), 404, "delete unknown run"))
                .flatMap(v -> expect(api.get("/v1/runs/not-a-uuid"), 400, "malformed id"))
                .flatMap(v -> expect(api.post(absent + "/explode", null), 404, "invalid control action"))
                .flatMap(v -> expect(api.post("/v1/runs/not-a-uuid/pause", null), 400, "control of malformed id"))
                .flatMap(v -> expect(api.post("/v1/jobs/selftest.no-such-job/runs", "{}"), 404, "unknown job"));
    }

    private Uni<Void> runToCompletion() {
        String body = "{\"workspace_id\":\"" + UUID.randomUUID() + "\",\"params\":{\"items\":2,\"delay_ms\":10}}";
        return api.post("/v1/jobs/selftest.sleep/runs?wait=30", body).flatMap(answer -> {
            check(answer.status() == 200, "trigger with wait answered " + answer.status());
            run1 = track(answer.json().getString("id"));
            return api.get("/v1/runs/" + run1);
        }).flatMap(answer -> {
            check("completed".equals(answer.json().getString("status")), "run 1 is " + answer.json().getString(
                    "status"));
            String workspace = answer.json().getString("workspace_id");
            return api.get("/v1/runs?workspace_id=" + workspace);
        }).flatMap(answer -> {
            check(ids(answer.json().getJsonArray("runs")).contains(run1), "run 1 is not listed");
            return api.get("/v1/runs/" + run1 + "/result");
        }).map(answer -> {
            check(answer.status() == 200 && answer.json().getJsonObject("metrics") != null, "result has no metrics");
            return null;
        });
    }

    private Uni<Void> eventsReplay() {
        return api.get("/v1/runs/" + run1 + "/events").flatMap(answer -> {
            JsonArray events = answer.array();
            List<String> names = new ArrayList<>();
            events.forEach(e -> names.add(((JsonObject) e).getString("event")));
            check(!names.isEmpty() && "start_json".equals(names.get(0)), "first event is not start_json: " + names);
            check(names.contains("log"), "no log event: " + names);
            check("end_json".equals(names.get(names.size() - 1)), "last event is not end_json: " + names);
            return api.getStream("/v1/runs/" + run1 + "/events");
        }).map(answer -> {
            check(answer.status() == 200, "SSE answered " + answer.status());
            String stream = answer.body();
            check(stream.matches("(?s).*event: ?start_json.*event: ?end_json.*"),
                    "SSE did not replay start_json … end_json: " + stream.substring(0, Math.min(200, stream.length())));
            return null;
        });
    }

    private Uni<Void> pauseAndResume() {
        return startSlow().flatMap(id -> {
            run2 = id;
            return expect(api.post("/v1/runs/" + run2 + "/resume", null), 409, "resume while running");
        }).flatMap(v -> expect(api.post("/v1/runs/" + run2 + "/pause", null), 202, "pause"))
                .flatMap(v -> awaitStatus(run2, "paused"))
                .flatMap(v -> awaitStateEvent(run2, "paused"))
                .flatMap(v -> expect(api.post("/v1/runs/" + run2 + "/pause", null), 409, "pause again"))
                .flatMap(v -> expect(api.post("/v1/runs/" + run2 + "/resume", null), 202, "resume"))
                .flatMap(v -> awaitStatus(run2, "running"))
                .flatMap(v -> awaitStateEvent(run2, "running"));
    }

    private Uni<Void> cancel() {
        return startSlow().flatMap(id -> {
            run3 = id;
            return expect(api.post("/v1/runs/" + run3 + "/cancel", null), 202, "cancel");
        }).flatMap(v -> awaitStatus(run3, "cancelled"))
                .flatMap(v -> api.get("/v1/runs/" + run3 + "/events"))
                .map(answer -> {
                    JsonArray events = answer.array();
                    JsonObject end = events.getJsonObject(events.size() - 1);
                    check("end_json".equals(end.getString("event"))
                            && end.getJsonObject("data").getBoolean("cancelled", false),
                            "end_json of run 3 does not say cancelled");
                    return null;
                });
    }

    private Uni<Void> refusalsAndForce() {
        return expect(api.post("/v1/runs/" + run1 + "/pause", null), 409, "pause completed run 1")
                .flatMap(v -> expect(api.post("/v1/runs/" + run3 + "/resume", null), 409, "resume cancelled run 3"))
                .flatMap(v -> expect(api.post("/v1/runs/" + run2 + "/cancel?force=true", null), 202, "force-cancel"))
                .flatMap(v -> awaitStatus(run2, "cancelled"));
    }

    private Uni<Void> deletes() {
        return startSlow().flatMap(id -> {
            run4 = id;
            return expect(api.delete("/v1/runs/" + run4), 409, "delete running run 4");
        }).flatMap(v -> expect(api.delete("/v1/runs/" + run1), 204, "delete run 1"))
                .flatMap(v -> expect(api.get("/v1/runs/" + run1), 404, "get deleted run 1"))
                .flatMap(v -> expect(api.delete("/v1/runs/" + run3), 204, "delete run 3"))
                .flatMap(v -> expect(api.get("/v1/runs/" + run3), 404, "get deleted run 3"))
                .flatMap(v -> api.get("/v1/runs?job=selftest.sleep&limit=500"))
                .flatMap(answer -> {
                    List<String> listed = ids(answer.json().getJsonArray("runs"));
                    check(!listed.contains(run1) && !listed.contains(run3), "deleted runs are still listed");
                    return expect(api.delete("/v1/runs/" + run2), 204, "delete run 2");
                })
                .flatMap(v -> expect(api.delete("/v1/runs/" + run2), 404, "delete run 2 again"))
                .flatMap(v -> expect(api.post("/v1/runs/" + run4 + "/cancel", null), 202, "cancel run 4"));
    }

    // ---- helpers ----

    private Uni<String> startSlow() {
        return api.post("/v1/jobs/selftest.sleep/runs", SLOW.formatted(UUID.randomUUID())).flatMap(answer -> {
            check(answer.status() == 202, "trigger answered " + answer.status());
            String id = track(answer.json().getString("id"));
            return awaitStatus(id, "running").replaceWith(id);
        });
    }

    private Uni<Void> awaitStatus(String id, String status) {
        return await(() -> api.get("/v1/runs/" + id).map(a -> status.equals(a.json().getString("status"))),
                "run did not become " + status);
    }

    private Uni<Void> awaitStateEvent(String id, String state) {
        return await(() -> api.get("/v1/runs/" + id + "/events").map(a -> {
            JsonArray events = a.array();
            for (int i = events.size() - 1; i >= 0; i--) {
                JsonObject e = events.getJsonObject(i);
                if ("state_json".equals(e.getString("event"))) {
                    return state.equals(e.getJsonObject("data").getString("state"));
                }
            }
            return false;
        }), "no state_json " + state + " stored");
    }

    private static Uni<Void> await(Supplier<Uni<Boolean>> condition, String message) {
        return Uni.createFrom().deferred(() -> condition.get()).map(ok -> {
            if (!ok) {
                throw new Failed(message);
            }
            return (Void) null;
        }).onFailure(Failed.class).retry().withBackOff(Duration.ofMillis(50), Duration.ofMillis(200))
                .expireIn(WAIT.toMillis())
                .onFailure().transform(f -> f instanceof Failed ? f : new Failed(message));
    }

    private static Uni<Void> expect(Uni<SelfTestClient.Answer> call, int status, String what) {
        return call.map(answer -> {
            check(answer.status() == status, what + ": expected " + status + ", got " + answer.status());
            return null;
        });
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new Failed(message);
        }
    }

    private String track(String id) {
        created.add(id);
        return id;
    }

    private static List<String> ids(JsonArray runs) {
        List<String> ids = new ArrayList<>();
        runs.forEach(r -> ids.add(((JsonObject) r).getString("id")));
        return ids;
    }

    /** Force-cancels and deletes every run this self-test created; failures here are not checks. */
    private Uni<Void> cleanUp() {
        Function<String, Uni<Void>> remove = id -> api.post("/v1/runs/" + id + "/cancel?force=true", null)
                .onFailure().recoverWithNull()
                .flatMap(v -> api.delete("/v1/runs/" + id)).onFailure().recoverWithNull().replaceWithVoid();
        return Multi.createFrom().iterable(created).onItem().transformToUniAndConcatenate(id -> remove.apply(id))
                .collect().last().replaceWithVoid();
    }
}
