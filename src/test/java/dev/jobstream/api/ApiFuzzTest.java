package dev.jobstream.api;

import static dev.jobstream.auth.Security.WORKSPACE_A;
import static dev.jobstream.auth.Security.WORKSPACE_B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.jobstream.api.Hostile.Value;
import dev.jobstream.api.Hostile.Where;
import dev.jobstream.api.OpenApiOperations.Field;
import dev.jobstream.api.OpenApiOperations.Operation;
import dev.jobstream.api.OpenApiOperations.Param;
import dev.jobstream.auth.Security;
import dev.jobstream.support.Api;
import dev.jobstream.support.DatabaseTest;
import dev.jobstream.support.RawHttp;
import dev.jobstream.support.RawHttp.Answer;
import dev.jobstream.support.RawHttp.Header;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import net.jqwik.api.sessions.JqwikSession;

/**
 * An API fuzzer built from the served {@code /q/openapi}: for every operation, each path, query and header parameter,
 * the Accept, Content-Type and Authorization headers, each field of the request body (through {@code $ref}s, objects
 * and array items) and the body as a whole is replaced, one at a time, by a hostile value, the rest of the request
 * staying valid-looking (real runs, schedules, error events, a claimed run of a job executed by workers and its
 * lease), with the token of each role, garbage tokens and none.
 * <p>
 * Every answer is below 500, shows no stack trace, class name or SQL, and is application/problem+json with status,
 * title and detail when it is a 4xx; a refused (4xx) request stores nothing: a digest of what only a client's request
 * changes (see {@link #DIGEST}) is the same after it as before; an event stream of a completed run ends by itself.
 * <p>
 * Seeded ({@code -Dfuzz.seed=…}; also {@code -Dfuzz.requests}, {@code -Dfuzz.seconds}): the same seed sends the same
 * requests, as far as the answers (ids, leases) are the same. A failure lists each request as a curl command.
 */
@QuarkusTest
@TestProfile(Security.Profile.class)
class ApiFuzzTest extends DatabaseTest {

    static final long SEED = Long.getLong("fuzz.seed", 20261124L);
    static final int REQUESTS = Integer.getInteger("fuzz.requests", 5000);
    static final Duration TIME_BOUND = Duration.ofSeconds(Long.getLong("fuzz.seconds", 90));
    /** What must never reach a client: exception and class names, stack frames, SQL and driver messages. */
    static final Pattern LEAK = Pattern.compile(
            "Exception|\\bat [a-z]+\\.[a-z]+\\.|java\\.|jakarta\\.|io\\.vertx|io\\.quarkus|org\\.postgresql|SQLSTATE|"
                    + "syntax error|\\bSELECT\\b|\\bINSERT\\b|\\bUPDATE job_runs|pg_|dev\\.jobstream");
    /** The HTTP server's request line limit: a longer one is refused by the server before the application. */
    static final int REQUEST_LINE_LIMIT = 4096;
    static final int TIMEOUT_MS = 20_000;
    /** How long an event stream of a completed run may stay open. */
    static final int COMPLETED_STREAM_MS = 5_000;
    static final String REMOTE_JOB = "fuzz.remote";
    static final String PUT_JOB = "fuzz.put";
    static final String HOLE = "FUZZ-HOLE-4b1d";

    /**
     * One statement over what only a client's request writes, each table apart, so that a refused request that
     * stored something shows where. Runs: their set and the columns set by triggers and controls (not the status,
     * times, progress and events the engines, workers' leases and the sweeper change by themselves), without the
     * runs of schedules and of the self-test, which come by themselves; schedules without their next fire time;
     * error events' resolution; jobs executed by workers; the workers and the jobs of their last claim.
     */
    static final String DIGEST = """
            SELECT
             (SELECT count(*) || ':' || coalesce(sum(hashtextextended(concat_ws('|', id, job_name, workspace_id,
                                  dry_run, params, priority, timeout_ms, max_attempts, idempotency_key, triggered_by,
                                  correlation_id, controlled_by, reported), 0)::numeric), 0)
                FROM job_runs WHERE schedule_id IS NULL AND job_name NOT LIKE 'selftest.%') AS runs,
             (SELECT count(*) || ':' || coalesce(sum(hashtextextended(concat_ws('|', id, job_name, workspace_id, cron,
                                  time_zone, params, priority, enabled, source, created_by), 0)::numeric), 0)
                FROM job_schedules) AS schedules,
             (SELECT count(*) || ':' || coalesce(sum(hashtextextended(concat_ws('|', id, resolved_by), 0)::numeric), 0)
                FROM error_events WHERE resolved_at IS NOT NULL) AS resolved_errors,
             (SELECT count(*) || ':' || coalesce(sum(hashtextextended(concat_ws('|', name, definition, updated_by,
                                  updated_at), 0)::numeric), 0) FROM remote_jobs) AS remote_jobs,
             (SELECT count(*) || ':' || coalesce(sum(hashtextextended(concat_ws('|', id, token, worker, jobs), 0)
                                  ::numeric), 0) FROM workers) AS workers
            """;

    @TestHTTPResource("/")
    URL base;

    private Random random;
    private Hostile hostile;
    private final Fixtures fixtures = new Fixtures();
    private int counter;
    /** The HTTP server's own refusals, by kind (see {@link #httpLayer}). */
    private final Map<String, Integer> httpLayer = new TreeMap<>();
    private final Map<String, long[]> timing = new TreeMap<>();
    private final Map<String, int[]> orders = new HashMap<>();
    private final Map<String, Integer> turns = new HashMap<>();
    private List<Value> authorizations;
    private List<Map.Entry<String, String>> tokens;
    private int storedWhenAccepted;

    /** The ids and leases that exist, so that requests get past a 404 to the code behind it. */
    private static final class Fixtures {
        String completedRun; // executed by an engine: it has its end_json
        String insertedRun; // written to the table (completed, no events), in workspace A
        String failedRun;
        String pausedRun; // parked: paused and held by no engine
        String errorId;
        String scheduleId;
        String remoteRun;
        String lease;
        int seq;
        final List<String> recentRuns = new ArrayList<>();
        final Set<String> completed = new java.util.HashSet<>();
    }

    /** A request as sent, and enough of it to show and to send again. */
    record Request(Operation operation, String target, String value, String token, String method, byte[] uri,
            List<Header> headers, byte[] body) {
    }

    /** A failure: what kind, the request, what came back. */
    record Failure(String kind, Request request, String observed) {
    }

    /** The jobs executed by workers and the workers there were before: what the fuzz adds is taken away after it. */
    private Set<String> remoteJobsBefore;
    private Set<String> workersBefore;

    @BeforeEach
    void rememberWhatIsRegistered() {
        remoteJobsBefore = names("SELECT name FROM remote_jobs");
        workersBefore = names("SELECT id FROM workers");
    }

    /**
     * Leaves the service as other tests expect it: no run of the fuzz still executing (force-cancelled), and none of
     * the jobs executed by workers nor the workers that its accepted requests registered.
     */
    @AfterEach
    void removeWhatTheFuzzRegistered() {
        for (String id : names("SELECT id::text FROM job_runs WHERE status IN ('running', 'paused')")) {
            Api.admin().post("/v1/runs/" + id + "/cancel?force=true");
        }
        Set<String> added = names("SELECT name FROM remote_jobs");
        added.removeAll(remoteJobsBefore);
        db.execute("DELETE FROM job_runs WHERE job_name = ANY($1)", (Object) added.toArray(new String[0]));
        for (String name : added) {
            Api.admin().delete("/v1/jobs/" + name).then().statusCode(org.hamcrest.Matchers.oneOf(204, 404));
        }
        Set<String> workers = names("SELECT id FROM workers");
        workers.removeAll(workersBefore);
        db.execute("DELETE FROM workers WHERE id = ANY($1)", (Object) workers.toArray(new String[0]));
    }

    private Set<String> names(String sql) {
        Set<String> names = new java.util.HashSet<>();
        db.rows(sql).forEach(row -> names.add(row.getString(0)));
        return names;
    }

    @Test
    void everyOperationAnswersHostileInputWithAProblemAndStoresNothing() {
        // jqwik's generators, seeded by the fuzzer's Random, outside a jqwik property (this is a Quarkus test)
        JqwikSession.start();
        try {
            fuzz();
        } finally {
            JqwikSession.finish();
        }
    }

    private void fuzz() {
        long started = System.nanoTime();
        random = new Random(SEED);
        hostile = new Hostile(random);
        JsonObject document = new JsonObject(Api.admin().accept("application/json").get("/q/openapi?format=json")
                .then().statusCode(200).extract().asString());
        List<Operation> operations = OpenApiOperations.read(document);
        assertTrue(operations.size() >= 30, "operations in /q/openapi: " + operations);
        assertTrue(operations.stream().anyMatch(o -> o.path().startsWith("/v1/workers/")), "worker operations");
        operations = withJobParams(operations);
        setUp();
        List<Target> plan = plan(operations);
        int totalWeight = plan.stream().mapToInt(Target::weight).sum();

        Map<String, Map<Integer, Integer>> perOperation = new TreeMap<>();
        Map<Integer, Integer> perStatus = new TreeMap<>();
        List<Failure> failures = new ArrayList<>();
        Map<String, Integer> streamHangs = new HashMap<>();
        Instant deadline = Instant.now().plus(TIME_BOUND);
        int sent = 0;
        int refused = 0;
        storedWhenAccepted = 0;
        while (sent < REQUESTS && Instant.now().isBefore(deadline)) {
            if (sent % 10 == 0) {
                long refreshStart = System.nanoTime();
                refresh();
                took("(refresh)", refreshStart);
            }
            Target target = pickTarget(plan, totalWeight);
            Operation operation = target.operation();
            long buildStart = System.nanoTime();
            Request request = build(target);
            took("(build)", buildStart);
            boolean toEnd = request.operation().path().equals("/v1/runs/{id}/events")
                    && fixtures.completed.stream().anyMatch(id -> new String(request.uri(), StandardCharsets.ISO_8859_1)
                            .startsWith("/v1/runs/" + id + "/events"))
                    && streamHangs.getOrDefault(request.value(), 0) < 2;
            long digestStart = System.nanoTime();
            Map<String, String> before = digest();
            took("(digest)", digestStart);
            long sendStart = System.nanoTime();
            Answer answer = send(request, toEnd);
            took(operation.toString(), sendStart);
            sent++;
            perOperation.computeIfAbsent(operation.toString(), k -> new TreeMap<>()).merge(answer.status(), 1,
                    Integer::sum);
            perStatus.merge(answer.status(), 1, Integer::sum);
            List<String> problems = check(request, answer, toEnd);
            if (toEnd && problems.stream().anyMatch(p -> p.startsWith("stream"))) {
                streamHangs.merge(request.value(), 1, Integer::sum);
            }
            if (answer.status() >= 400 && answer.status() < 500) {
                refused++;
                Map<String, String> after = digest();
                List<String> changed = before.keySet().stream().filter(t -> !before.get(t).equals(after.get(t)))
                        .toList();
                if (!changed.isEmpty()) {
                    problems.add("refused with " + answer.status() + " but stored: " + changed + " changed");
                }
            } else if (answer.status() >= 200 && answer.status() < 300) {
                if (!before.equals(digest())) {
                    storedWhenAccepted++; // the digest sees what requests store
                }
                long acceptedStart = System.nanoTime();
                accepted(request, answer);
                took("(accepted)", acceptedStart);
            }
            for (String problem : problems) {
                failures.add(new Failure(problem, request, answer.status() + " " + answer.contentType() + " "
                        + abbreviate(answer.error() != null ? answer.error() : answer.body(), 300)));
            }
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        report(operations, plan, perOperation, perStatus, failures, sent, refused, seconds);
        assertTrue(sent >= 1000, "at least 1,000 requests within " + TIME_BOUND + ", sent " + sent);
        Map<String, List<Failure>> distinct = distinct(failures);
        assertEquals(List.of(), distinct.values().stream().limit(20).map(list -> describe(list.get(0))).toList(),
                failures.size() + " failures (" + distinct.size() + " distinct, the first 20 here; all of them in "
                        + "target/api-fuzz-report.txt) in " + sent + " requests, seed " + SEED);
    }

    /** Adds the time since {@code start} to what {@code key} took, for the report. */
    private void took(String key, long start) {
        long[] time = timing.computeIfAbsent(key, k -> new long[2]);
        time[0] += System.nanoTime() - start;
        time[1]++;
    }

    // ---- the checks ----

    private List<String> check(Request request, Answer answer, boolean toEnd) {
        List<String> problems = new ArrayList<>();
        int status = answer.status();
        if (status == 0) {
            if (!(overLimits(request) && answer.error() != null)) {
                problems.add("no answer");
            }
            return problems;
        }
        if (answer.error() != null) {
            problems.add("answer incomplete");
        }
        if (status >= 500) {
            problems.add("server error " + status);
        }
        if (LEAK.matcher(answer.body()).find()) {
            problems.add("leak");
        }
        if (status >= 400 && status < 500) {
            String layer = httpLayer(request, answer);
            if (layer != null) {
                httpLayer.merge(layer, 1, Integer::sum);
            } else if (!answer.contentType().toLowerCase(Locale.ROOT).startsWith("application/problem+json")) {
                problems.add(status + " not problem+json");
            } else {
                try {
                    JsonObject problem = new JsonObject(answer.body());
                    if (problem.getValue("status") == null || !String.valueOf(status)
                            .equals(String.valueOf(problem.getValue("status")))
                            || !(problem.getValue("title") instanceof String)
                            || !(problem.getValue("detail") instanceof String)) {
                        problems.add(status + " problem without status/title/detail");
                    }
                } catch (DecodeException | ClassCastException e) {
                    problems.add(status + " problem+json that is not a JSON object");
                }
            }
        }
        if (toEnd && answer.stream() && !answer.ended()) {
            problems.add("stream of a completed run still open after " + COMPLETED_STREAM_MS + " ms");
        }
        return problems;
    }

    /**
     * The refusals of the HTTP server itself, before any application code, which cannot be problem+json: a request
     * line over 4 KiB (414), headers over 8 KiB (431), a body over quarkus.http.limits.max-body-size (413), a
     * request that is not HTTP — bytes a header or request line may not hold (400). Null for any other answer.
     */
    private static String httpLayer(Request request, Answer answer) {
        if (!answer.contentType().isEmpty() || !answer.body().isEmpty()) {
            return null;
        }
        int line = request.method().length() + 1 + request.uri().length + " HTTP/1.1".length();
        int headers = request.headers().stream().mapToInt(h -> h.name().length() + 4 + h.value().length).sum();
        return switch (answer.status()) {
            case 414 -> line >= REQUEST_LINE_LIMIT ? "414 request line over 4 KiB" : null;
            case 431 -> headers > 8 * 1024 - 200 ? "431 headers over 8 KiB" : null;
            case 413 -> request.body() != null && request.body().length > 1024 * 1024 ? "413 body over 1 MiB" : null;
            case 400 -> notHttp(request.uri()) || request.headers().stream().anyMatch(h -> notHttp(h.value()))
                    ? "400 bytes that HTTP does not allow in a request line or header"
                    : notAUri(request.uri())
                            ? "400 a URL that is not a URI (Quarkus checks it before any route)"
                            : null;
            default -> null;
        };
    }

    /** Bytes no request line or header value may hold: control characters (not tab), DEL, and non-ASCII. */
    private static boolean notHttp(byte[] bytes) {
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c < 0x20 && c != '\t') || c >= 0x7f) {
                return true;
            }
        }
        return false;
    }

    /** A request target that java.net.URI refuses (a bad %-escape): Quarkus answers a bare 400 before any route. */
    private static boolean notAUri(byte[] target) {
        try {
            new java.net.URI(new String(target, java.nio.charset.StandardCharsets.ISO_8859_1));
            return false;
        } catch (java.net.URISyntaxException e) {
            return true;
        }
    }

    /** Over what the HTTP server reads before the application: it may close the connection without an answer. */
    private static boolean overLimits(Request request) {
        int line = request.method().length() + 1 + request.uri().length + " HTTP/1.1".length();
        boolean hugeHeader = request.headers().stream().anyMatch(h -> h.value().length > 8 * 1024 - 100);
        return line >= REQUEST_LINE_LIMIT || hugeHeader || (request.body() != null
                && request.body().length > 1024 * 1024);
    }

    private Map<String, String> digest() {
        io.vertx.mutiny.sqlclient.Row row = db.rows(DIGEST).iterator().next();
        Map<String, String> digest = new LinkedHashMap<>();
        for (String table : List.of("runs", "schedules", "resolved_errors", "remote_jobs", "workers")) {
            digest.put(table, row.getString(table));
        }
        return digest;
    }

    // ---- building requests ----

    /** What a request is made hostile in, for an operation: {@code param:<name>}, {@code field:<path>}, … */
    record Target(Operation operation, String name, int weight) {

        /**
         * What the values of the target cycle by: the target itself, but one cycle for the Authorization header of
         * every operation (one filter reads it for all), and one for the Accept header of those that answer only JSON.
         */
        String key() {
            if (name.equals("Authorization")) {
                return name;
            }
            if (name.equals("Accept") && !operation.streams()) {
                return "Accept of JSON operations";
            }
            return operation + " " + name;
        }
    }

    /** The hostile values of a target: those made for what it is, then those any target gets. */
    record Choices(List<Value> specific, List<Value> generic) {

        int size() {
            return specific.size() + generic.size();
        }

        Value get(int i) {
            return i < specific.size() ? specific.get(i) : generic.get(i - specific.size());
        }
    }

    /** Every target of every operation, weighted by how many values of its own it has (within bounds). */
    private List<Target> plan(List<Operation> operations) {
        List<Target> plan = new ArrayList<>();
        for (Operation operation : operations) {
            List<String> names = new ArrayList<>();
            operation.params().forEach(p -> names.add("param:" + p.name()));
            names.addAll(List.of("Accept", "Authorization", "method", "query", "token"));
            if (operation.body() != null) {
                names.addAll(List.of("Content-Type", "body"));
                operation.fields().forEach(f -> names.add("field:" + f.dotted()));
            }
            for (String name : names) {
                int weight = switch (name) {
                    case "token" -> 12;
                    case "method", "query" -> 5;
                    case "Authorization" -> 3;
                    case "Content-Type" -> 12;
                    case "Accept" -> operation.streams() ? 30 : 3;
                    default -> Math.max(5, Math.min(30, choices(operation, name, "{}").specific().size()));
                };
                if (operation.path().equals("/v1/selftest")) {
                    // the self-test takes no input but headers; each one that runs triggers runs of its own
                    weight = 1;
                }
                plan.add(new Target(operation, name, weight));
            }
        }
        return plan;
    }

    private Target pickTarget(List<Target> plan, int totalWeight) {
        int at = random.nextInt(totalWeight);
        for (Target target : plan) {
            at -= target.weight();
            if (at < 0) {
                return target;
            }
        }
        return plan.get(plan.size() - 1);
    }

    /**
     * The next value of a target: its values in an order of its own (seeded), those made for it first, so that the
     * few requests each target gets go through different values.
     */
    private Value next(Target target, Choices choices) {
        int[] order = orders.get(target.key());
        if (order == null || order.length != choices.size()) {
            order = new int[choices.size()];
            List<Integer> specific = new ArrayList<>();
            List<Integer> generic = new ArrayList<>();
            for (int i = 0; i < choices.size(); i++) {
                (i < choices.specific().size() ? specific : generic).add(i);
            }
            java.util.Collections.shuffle(specific, random);
            java.util.Collections.shuffle(generic, random);
            int i = 0;
            for (int index : specific) {
                order[i++] = index;
            }
            for (int index : generic) {
                order[i++] = index;
            }
            orders.put(target.key(), order);
        }
        int turn = turns.merge(target.key(), 1, Integer::sum) - 1;
        return choices.get(order[turn % order.length]);
    }

    /** The values of a target; {@code validBody} is the valid body the whole-body values are made from. */
    private Choices choices(Operation operation, String target, String validBody) {
        if (target.startsWith("param:")) {
            Param param = operation.params().stream().filter(p -> target.equals("param:" + p.name())).findFirst()
                    .orElseThrow();
            Where where = switch (param.in()) {
                case "path" -> Where.PATH;
                case "query" -> Where.QUERY;
                default -> Where.HEADER;
            };
            return valuesFor(param.name(), param.schema(), where, operation);
        }
        if (target.startsWith("field:")) {
            Field field = operation.fields().stream().filter(f -> target.equals("field:" + f.dotted())).findFirst()
                    .orElseThrow();
            return valuesFor(field.name(), field.schema(), Where.BODY, operation);
        }
        return switch (target) {
            case "Accept" -> new Choices(hostile.accepts(), List.of());
            case "Content-Type" -> {
                List<Value> types = new ArrayList<>(hostile.contentTypes());
                types.add(new Value("no Content-Type", null, null));
                yield new Choices(types, List.of());
            }
            case "Authorization" -> new Choices(authorizations(), List.of());
            case "method" -> new Choices(java.util.stream.Stream.of("GET", "POST", "PUT", "PATCH", "DELETE", "TRACE",
                    "OPTIONS", "FOO").filter(m -> !m.equals(operation.method()))
                    .map(m -> Value.text("method " + m, m)).toList(), List.of());
            case "query" -> new Choices(java.util.stream.Stream.of("nope=1", "limit=10&limit=20", "&&&=&", "%00=1",
                    "a[]=1&a[]=2", "job=demo.sleep&job=%00", "p=" + "q".repeat(3000),
                    "workspace_id=" + WORKSPACE_A + "&workspace_id=" + WORKSPACE_B, "status=failed&status=queued",
                    "=", "dry_run", "after=1&after=-1", "wait=1&wait=99999", "force=true&force=false")
                    .map(q -> Value.raw("query " + abbreviate(q, 40), q)).toList(), List.of());
            case "body" -> new Choices(hostile.bodies(validBody), List.of());
            case "token" -> new Choices(tokens().stream().map(t -> new Value(t.getKey(), t.getValue(), null))
                    .toList(), List.of());
            default -> throw new IllegalArgumentException(target);
        };
    }

    private Request build(Target target) {
        Operation operation = target.operation();
        String name = target.name();
        String label = "";
        Map<String, String> context = new HashMap<>();

        // path, query and header parameters
        String path = operation.path();
        List<byte[]> query = new ArrayList<>();
        List<Header> headers = new ArrayList<>();
        Map<String, byte[]> pathValues = new LinkedHashMap<>();
        for (Param param : operation.params()) {
            if (name.equals("param:" + param.name())) {
                Value value = next(target, choices(operation, name, null));
                label = value.label();
                switch (param.in()) {
                    case "path" -> pathValues.put(param.name(), value.url());
                    case "query" -> query.add(concat(Hostile.percentEncode(param.name()) + "=", value.url()));
                    default -> headers.add(new Header(param.name(), value.header()));
                }
                continue;
            }
            String valid = validParam(operation, param, context);
            if (valid == null) {
                continue;
            }
            switch (param.in()) {
                case "path" -> {
                    pathValues.put(param.name(), Hostile.percentEncode(valid).getBytes(StandardCharsets.US_ASCII));
                    context.put(param.name(), valid);
                }
                case "query" -> query.add((Hostile.percentEncode(param.name()) + "=" + Hostile.percentEncode(valid))
                        .getBytes(StandardCharsets.US_ASCII));
                default -> headers.add(Header.of(param.name(), valid));
            }
        }
        if (name.equals("query")) {
            Value value = next(target, choices(operation, name, null));
            label = value.label();
            query.add(value.url());
        }
        ByteArrayOutputStream uri = new ByteArrayOutputStream();
        int at = 0;
        java.util.regex.Matcher matcher = Pattern.compile("\\{([^}]+)}").matcher(path);
        while (matcher.find()) {
            uri.writeBytes(path.substring(at, matcher.start()).getBytes(StandardCharsets.US_ASCII));
            byte[] value = pathValues.get(matcher.group(1));
            uri.writeBytes(value != null ? value : "x".getBytes(StandardCharsets.US_ASCII));
            at = matcher.end();
        }
        uri.writeBytes(path.substring(at).getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < query.size(); i++) {
            uri.write(i == 0 ? '?' : '&');
            uri.writeBytes(query.get(i));
        }

        String method = operation.method();
        if (name.equals("method")) {
            Value value = next(target, choices(operation, name, null));
            label = value.label();
            method = value.text();
        }

        // the body: valid-looking, with one field hostile, or hostile as a whole
        byte[] body = null;
        if (operation.body() != null && (operation.bodyRequired() || name.startsWith("field:") || name.equals("body")
                || name.equals("Content-Type") || random.nextInt(5) != 0)) {
            List<Object> hole = null;
            Value value = null;
            if (name.startsWith("field:")) {
                hole = operation.fields().stream().filter(f -> name.equals("field:" + f.dotted())).findFirst()
                        .orElseThrow().path();
                value = next(target, choices(operation, name, null));
                label = value.label();
            }
            String json = encode(value(operation.body(), "", new ArrayList<>(), hole, operation, context));
            if (name.equals("body")) {
                Value whole = next(target, choices(operation, name, json));
                label = whole.label();
                body = whole.json();
            } else if (value != null) {
                body = splice(json, value.json());
            } else {
                body = json.getBytes(StandardCharsets.UTF_8);
            }
        }

        // headers
        boolean lastEventId = name.equals("param:Last-Event-ID");
        if (name.equals("Accept")) {
            Value value = next(target, choices(operation, name, null));
            label = value.label();
            headers.add(new Header("Accept", value.header()));
        } else {
            headers.add(Header.of("Accept", operation.onlyStreams() || lastEventId
                    || (operation.streams() && random.nextInt(4) == 0) ? "text/event-stream" : "application/json"));
        }
        if (body != null) {
            if (name.equals("Content-Type")) {
                Value value = next(target, choices(operation, name, null));
                label = value.label();
                if (value.text() != null || value.raw() != null) {
                    headers.add(new Header("Content-Type", value.header()));
                }
            } else {
                headers.add(Header.of("Content-Type", "application/json"));
            }
        }
        String token;
        if (name.equals("Authorization")) {
            Value value = next(target, choices(operation, name, null));
            token = label = value.label();
            if (value.raw() != null) {
                headers.add(new Header("Authorization", value.raw()));
            }
        } else if (name.equals("token")) {
            Value value = next(target, choices(operation, name, null));
            token = label = value.label();
            if (value.text() != null) {
                headers.add(Header.of("Authorization", "Bearer " + value.text()));
            }
        } else {
            Map.Entry<String, String> who = token(operation);
            token = who.getKey();
            if (who.getValue() != null) {
                headers.add(Header.of("Authorization", "Bearer " + who.getValue()));
            }
        }
        return new Request(operation, name, label, token, method, uri.toByteArray(), headers, body);
    }

    private static byte[] splice(String json, byte[] value) {
        int at = json.indexOf('"' + HOLE + '"');
        if (at < 0) {
            throw new IllegalStateException("no place for the hostile value in " + json);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(json.substring(0, at).getBytes(StandardCharsets.UTF_8));
        out.writeBytes(value);
        out.writeBytes(json.substring(at + HOLE.length() + 2).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static byte[] concat(String prefix, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(prefix.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(value);
        return out.toByteArray();
    }

    /**
     * The hostile values for a field or parameter: those its name, its schema's format and type call for, then
     * wrong types and hostile strings.
     */
    private Choices valuesFor(String name, JsonObject schema, Where where, Operation operation) {
        List<Value> values = new ArrayList<>();
        String type = OpenApiOperations.type(schema);
        String format = schema.getString("format", "");
        if (name.equals("id") && operation.path().startsWith("/v1/errors/")) {
            values.addAll(hostile.longIds(fixtures.errorId == null ? List.of() : List.of(fixtures.errorId)));
        } else if (format.equals("uuid") || name.equals("id") || name.endsWith("_id")) {
            values.addAll(hostile.uuids(realIds()));
        }
        if (format.equals("date-time") || name.endsWith("_at")) {
            values.addAll(hostile.timestamps());
        }
        if (Set.of("delay", "timeout", "window", "bucket").contains(name)) {
            values.addAll(hostile.durations());
        }
        if (name.equals("cursor")) {
            values.addAll(hostile.cursors());
        }
        if (name.equals("cron")) {
            values.addAll(hostile.crons());
        }
        if (name.equals("time_zone")) {
            values.addAll(hostile.timeZones());
        }
        if (name.equals("job") || name.equals("jobs")) {
            values.addAll(hostile.jobs());
        }
        if (name.equals("Last-Event-ID")) {
            values.addAll(hostile.lastEventIds());
        }
        if (Set.of("status", "severity", "kind", "action", "state", "outcome").contains(name)) {
            values.addAll(hostile.words());
        }
        if (name.equals("lease")) {
            values.addAll(hostile.leases(fixtures.lease));
        }
        if (schema.getJsonArray("enum") != null) {
            values.addAll(hostile.enumerated(schema.getJsonArray("enum")));
        }
        switch (type) {
            case "integer", "number" -> values.addAll(hostile.numbers(name, schema, where));
            case "boolean" -> values.addAll(hostile.booleans(where));
            case "object" -> values.addAll(hostile.objects());
            case "array" -> {
                Object array = value(schema, name, new ArrayList<>(), null, operation, new HashMap<>());
                Object item = array instanceof JsonArray a && !a.isEmpty() ? a.getValue(0) : null;
                values.addAll(hostile.arrays(schema, item == null ? null : encode(item)));
            }
            default -> {
                // strings and untyped fields: hostile strings are what they are made for
            }
        }
        List<Value> generic = new ArrayList<>(where == Where.BODY ? hostile.wrongTypes() : List.of());
        boolean stringy = !Set.of("integer", "number", "boolean", "object", "array").contains(type);
        if (values.isEmpty() && stringy) {
            values.addAll(hostile.strings(where));
        } else if (stringy || where != Where.BODY) {
            generic.addAll(hostile.strings(where));
        }
        return new Choices(values, generic);
    }

    private List<String> realIds() {
        List<String> ids = new ArrayList<>();
        for (String id : new String[]{fixtures.completedRun, fixtures.insertedRun, fixtures.failedRun,
                fixtures.pausedRun,
                fixtures.scheduleId, fixtures.remoteRun}) {
            if (id != null) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** A valid value of a parameter, null to leave it out. */
    private String validParam(Operation operation, Param param, Map<String, String> context) {
        String name = param.name();
        String path = operation.path();
        if (param.in().equals("path")) {
            if (name.equals("job")) {
                if (path.equals("/v1/jobs/{job}")) {
                    return PUT_JOB;
                }
                return random.nextInt(4) == 0 ? REMOTE_JOB : "demo.sleep";
            }
            if (path.startsWith("/v1/errors/")) {
                return fixtures.errorId;
            }
            if (path.startsWith("/v1/schedules/")) {
                return fixtures.scheduleId;
            }
            if (path.startsWith("/v1/workers/")) {
                return fixtures.remoteRun;
            }
            return runId(path);
        }
        if (!param.required() && random.nextInt(10) < 6) {
            return null;
        }
        if (name.equals("cursor")) {
            return null; // a cursor of the service's is one of a previous page: none here
        }
        if (param.in().equals("header")) {
            return switch (name) {
                case "Last-Event-ID" -> "0";
                case "X-Correlation-Id" -> "fuzz-correlation-" + (++counter);
                default -> "x";
            };
        }
        Object valid = validByName(name, operation, context);
        if (valid != null && !(valid instanceof JsonObject) && !(valid instanceof JsonArray)) {
            return String.valueOf(valid);
        }
        return String.valueOf(value(param.schema(), name, new ArrayList<>(), null, operation, context));
    }

    /** A run for a path: mostly one in the state its action needs (failed to retry, paused to resume …). */
    private String runId(String path) {
        if (random.nextInt(10) < 6) {
            String fitting = path.endsWith("/retry")
                    ? fixtures.failedRun
                    : path.endsWith("/resume")
                            ? fixtures.pausedRun
                            : path.endsWith("/pause") || path.endsWith("/cancel")
                                    ? (fixtures.recentRuns.isEmpty() || random.nextBoolean()
                                            ? fixtures.remoteRun
                                            : fixtures.recentRuns.get(fixtures.recentRuns.size() - 1))
                                    : null;
            if (fitting != null) {
                return fitting;
            }
        }
        int which = random.nextInt(10);
        if (which < 3 && fixtures.completedRun != null) {
            return fixtures.completedRun;
        }
        if (which < 5 && fixtures.insertedRun != null) {
            return fixtures.insertedRun;
        }
        if (which < 7 && fixtures.failedRun != null) {
            return fixtures.failedRun;
        }
        if (which < 9 && !fixtures.recentRuns.isEmpty()) {
            return fixtures.recentRuns.get(random.nextInt(fixtures.recentRuns.size()));
        }
        return fixtures.remoteRun != null ? fixtures.remoteRun : UUID.randomUUID().toString();
    }

    /** A valid value of a field or query parameter, by its name; null when its name says nothing. */
    private Object validByName(String name, Operation operation, Map<String, String> context) {
        boolean trigger = operation.path().startsWith("/v1/jobs/{job}/runs");
        boolean remote = REMOTE_JOB.equals(context.get("job"));
        return switch (name) {
            case "workspace_id" -> {
                int which = random.nextInt(10);
                yield which < 7 ? WORKSPACE_A : which < 9 ? WORKSPACE_B : Api.GLOBAL;
            }
            case "dry_run" -> random.nextInt(10) < 7;
            case "params" -> remote || operation.path().startsWith("/v1/jobs/{job}") && !trigger
                    ? null
                    : new JsonObject().put("items", 1).put("delay_ms", 0);
            case "idempotency_key" -> "fuzz-" + SEED + "-" + (++counter);
            case "run_at" -> Instant.now().plus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toString();
            case "delay" -> "PT2S";
            case "timeout" -> "PT30S";
            case "priority" -> 0;
            case "action" -> random.nextBoolean() ? "cancel" : "retry";
            case "job" -> "demo.sleep";
            case "status" -> operation.path().equals("/v1/runs/bulk")
                    ? (random.nextBoolean() ? "queued" : "failed")
                    : "completed";
            case "cron" -> "0 0 1 1 *";
            case "time_zone" -> "UTC";
            case "enabled" -> false;
            case "description" -> "fuzz";
            case "exclusive" -> false;
            case "timeout_ms" -> 60_000;
            case "max_active" -> 10;
            case "backoff_base_ms", "backoff_max_ms" -> 1;
            case "jitter" -> 0;
            case "worker" -> "fuzz-worker";
            case "jobs" -> new JsonArray().add(REMOTE_JOB);
            case "max" -> 1;
            case "wait" -> 0;
            case "lease" -> fixtures.lease;
            case "seq" -> ++fixtures.seq;
            case "level" -> "info";
            case "message", "error", "item" -> "fuzz";
            case "processed" -> 1;
            case "total" -> 10;
            case "state" -> "running";
            case "metrics" -> new JsonObject().put("n", 1);
            case "error_code" -> "fuzz_failed";
            case "retryable" -> false;
            case "delay_ms" -> 1000;
            case "run_id" -> fixtures.remoteRun;
            case "limit" -> 5;
            case "after" -> 0;
            case "force", "unresolved" -> false;
            case "severity" -> "error";
            case "kind" -> "JOB_FAILED";
            case "window" -> "1h";
            case "bucket" -> "5m";
            case "items" -> 1;
            case "fail_at" -> null;
            case "max_attempts" -> 1;
            default -> null;
        };
    }

    /**
     * A valid-looking value of {@code schema}; at {@code hole} (a path from the root) the placeholder that the
     * hostile value replaces; objects hold their required fields, most optional ones, and every one on the way to
     * the hole.
     */
    private Object value(JsonObject schema, String name, List<Object> path, List<Object> hole, Operation operation,
            Map<String, String> context) {
        if (hole != null && hole.equals(path)) {
            return HOLE;
        }
        boolean toHole = hole != null && hole.size() > path.size() && hole.subList(0, path.size()).equals(path);
        Object byName = name.isEmpty() ? null : validByName(name, operation, context);
        String type = OpenApiOperations.type(schema);
        if (type.equals("object") || (byName instanceof JsonObject && toHole)) {
            JsonObject object = byName instanceof JsonObject o ? o.copy() : new JsonObject();
            JsonObject properties = schema.getJsonObject("properties", new JsonObject());
            List<String> required = schema.getJsonArray("required", new JsonArray()).getList();
            if (byName instanceof JsonObject && !toHole) {
                return object;
            }
            for (String property : properties.fieldNames()) {
                List<Object> child = new ArrayList<>(path);
                child.add(property);
                boolean onTheWay = hole != null && hole.size() >= child.size()
                        && hole.subList(0, child.size()).equals(child);
                // a claim without its wait would be a long poll of 30 s
                boolean include = onTheWay || required.contains(property) || property.equals("wait")
                        || (!(byName instanceof JsonObject) && random.nextInt(10) < 7);
                if (!include) {
                    continue;
                }
                Object value = value(properties.getJsonObject(property), property, child, hole, operation, context);
                if (value != null) {
                    object.put(property, value);
                }
            }
            if (toHole && hole.get(path.size()) instanceof String next
                    && !properties.containsKey(next)) {
                // a field the schema does not list (a job's params): on the way to the hole all the same
                List<Object> child = new ArrayList<>(path);
                child.add(next);
                object.put(next, value(new JsonObject(), next, child, hole, operation, context));
            }
            if (object.containsKey("run_at") && object.containsKey("delay")) {
                // one or the other: both are a 400 whatever else is sent
                object.remove(hole != null && hole.contains("run_at") ? "delay" : "run_at");
            }
            return object;
        }
        if (type.equals("array") && schema.getValue("items") instanceof JsonObject items) {
            if (byName instanceof JsonArray array && !toHole) {
                return array;
            }
            List<Object> child = new ArrayList<>(path);
            child.add(0);
            boolean itemOnTheWay = hole != null && hole.size() >= child.size()
                    && hole.subList(0, child.size()).equals(child);
            Object item = byName instanceof JsonArray array && !array.isEmpty() && !itemOnTheWay
                    ? array.getValue(0)
                    : value(items, "", child, hole, operation, context);
            return item == null ? new JsonArray() : new JsonArray().add(item);
        }
        if (byName != null) {
            return byName;
        }
        if (schema.getJsonArray("enum") != null && !schema.getJsonArray("enum").isEmpty()) {
            JsonArray allowed = schema.getJsonArray("enum");
            return allowed.getValue(random.nextInt(allowed.size()));
        }
        String format = schema.getString("format", "");
        return switch (type) {
            case "integer", "number" -> schema.getValue("minimum") != null
                    ? Long.parseLong(schema.getValue("minimum").toString().replaceAll("\\.0*$", ""))
                    : 1;
            case "boolean" -> false;
            case "string" -> format.equals("uuid")
                    ? UUID.randomUUID().toString()
                    : format.equals("date-time") ? Instant.now().toString() : "fuzz";
            case "any" -> name.equals("default") ? 1 : "fuzz";
            default -> null;
        };
    }

    private static String encode(Object value) {
        if (value instanceof JsonObject o) {
            return o.encode();
        }
        if (value instanceof JsonArray a) {
            return a.encode();
        }
        if (value instanceof String s) {
            return Hostile.jsonString(s);
        }
        return String.valueOf(value);
    }

    // ---- tokens ----

    /** A token for a request whose hostile part is elsewhere: mostly one that may call the operation. */
    private Map.Entry<String, String> token(Operation operation) {
        int which = random.nextInt(100);
        if (operation.path().startsWith("/v1/workers/")) {
            if (which < 60) {
                return Map.entry("worker", Security.WORKER);
            }
            if (which < 70) {
                return Map.entry("scoped worker", Security.SCOPED_WORKER);
            }
            which = (which - 70) * 100 / 30;
        }
        if (which < 30) {
            return Map.entry("admin", Api.ADMIN_TOKEN);
        }
        if (which < 40) {
            return Map.entry("file admin", Security.ADMIN);
        }
        if (which < 60) {
            return Map.entry("operator", Security.OPERATOR);
        }
        if (which < 70) {
            return Map.entry("scoped operator", Security.SCOPED);
        }
        if (which < 80) {
            return Map.entry("viewer", Security.VIEWER);
        }
        if (which < 85) {
            return Map.entry("worker", Security.WORKER);
        }
        if (which < 90) {
            return new java.util.AbstractMap.SimpleEntry<>("no token", null);
        }
        if (which < 93) {
            return Map.entry("garbage token", "garbage");
        }
        if (which < 96) {
            return tokens().get(8);
        }
        return tokens().get(9);
    }

    /** A valid request with each role's token in turn, none, garbage, and JWTs with long subjects. */
    private List<Map.Entry<String, String>> tokens() {
        if (tokens == null) {
            tokens = new ArrayList<>(List.of(Map.entry("admin", Api.ADMIN_TOKEN),
                    Map.entry("file admin", Security.ADMIN), Map.entry("operator", Security.OPERATOR),
                    Map.entry("scoped operator", Security.SCOPED), Map.entry("viewer", Security.VIEWER),
                    Map.entry("worker", Security.WORKER), Map.entry("scoped worker", Security.SCOPED_WORKER),
                    Map.entry("garbage token", "garbage"),
                    Map.entry("operator JWT", jwt(new JsonObject().put("sub", "fuzz-operator")
                            .put("groups", new JsonArray().add("operator")))),
                    Map.entry("operator JWT with a 300-char subject", jwt(new JsonObject()
                            .put("sub", "s".repeat(300)).put("groups", new JsonArray().add("operator")))),
                    Map.entry("admin JWT with a 197-char subject", jwt(new JsonObject().put("sub", "s".repeat(197))
                            .put("groups", new JsonArray().add("admin"))))));
            tokens.add(new java.util.AbstractMap.SimpleEntry<>("no token", null));
        }
        return tokens;
    }

    private static String jwt(JsonObject claims) {
        JsonObject all = new JsonObject().put("iss", Security.ISSUER).put("aud", Security.AUDIENCE)
                .put("iat", Instant.now().getEpochSecond() - 60).put("exp", Instant.now().getEpochSecond() + 3600);
        claims.forEach(e -> all.put(e.getKey(), e.getValue()));
        return Security.sign(all);
    }

    /** Hostile Authorization headers (a value without bytes: none), made once: JWTs take a while to sign. */
    private List<Value> authorizations() {
        if (authorizations != null) {
            return authorizations;
        }
        JsonArray admin = new JsonArray().add("admin");
        JsonArray operator = new JsonArray().add("operator");
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("Bearer and nothing", "Bearer");
        texts.put("Bearer and a space", "Bearer ");
        texts.put("lower-case scheme", "bearer " + Api.ADMIN_TOKEN);
        texts.put("Basic", "Basic dXNlcjpwYXNz");
        texts.put("two schemes", "Bearer " + Security.VIEWER + ", Bearer " + Api.ADMIN_TOKEN);
        texts.put("token and a space", "Bearer " + Api.ADMIN_TOKEN + " ");
        texts.put("two spaces", "Bearer  " + Api.ADMIN_TOKEN);
        texts.put("expired token", "Bearer " + Security.EXPIRED);
        texts.put("garbage", "Bearer garbage");
        texts.put("e30.e30.e30", "Bearer e30.e30.e30");
        texts.put("Bearer %00", "Bearer %00");
        texts.put("7 KB token", "Bearer " + "t".repeat(7 * 1024));
        texts.put("100 KB token", "Bearer " + "t".repeat(100_000));
        texts.put("JWT alg none", "Bearer " + unsigned(new JsonObject().put("sub", "x").put("groups", admin)));
        texts.put("JWT with a 196-char subject", "Bearer " + jwt(new JsonObject().put("sub", "s".repeat(196))
                .put("groups", admin)));
        texts.put("JWT with a 197-char subject", "Bearer " + jwt(new JsonObject().put("sub", "s".repeat(197))
                .put("groups", admin)));
        texts.put("JWT with a 5000-char subject", "Bearer " + jwt(new JsonObject().put("sub", "s".repeat(5000))
                .put("groups", admin)));
        texts.put("JWT with NUL in the subject", "Bearer " + jwt(new JsonObject().put("sub", "a\u0000b")
                .put("groups", admin)));
        texts.put("JWT with control characters in the subject", "Bearer " + jwt(new JsonObject()
                .put("sub", "\u0001\u001b[31m\n").put("groups", admin)));
        texts.put("JWT with an empty subject", "Bearer " + jwt(new JsonObject().put("sub", "").put("groups", admin)));
        texts.put("JWT without a subject", "Bearer " + jwt(new JsonObject().put("groups", admin)));
        texts.put("JWT with a numeric subject", "Bearer " + jwt(new JsonObject().put("sub", 42).put("groups", admin)));
        texts.put("JWT with workspaces not UUIDs", "Bearer " + jwt(new JsonObject().put("sub", "w")
                .put("groups", operator).put("workspaces", new JsonArray().add("not-a-uuid").add("\u0000"))));
        texts.put("JWT with no workspaces", "Bearer " + jwt(new JsonObject().put("sub", "w").put("groups", operator)
                .put("workspaces", new JsonArray())));
        texts.put("JWT with 10,000 workspaces", "Bearer " + jwt(new JsonObject().put("sub", "w")
                .put("groups", operator).put("workspaces", new JsonArray(java.util.stream.IntStream.range(0, 100)
                        .mapToObj(i -> UUID.randomUUID().toString()).toList()))));
        texts.put("JWT with workspaces as a string", "Bearer " + jwt(new JsonObject().put("sub", "w")
                .put("groups", operator).put("workspaces", WORKSPACE_A)));
        texts.put("JWT with groups as a string", "Bearer " + jwt(new JsonObject().put("sub", "g")
                .put("groups", "admin")));
        texts.put("JWT with unknown groups", "Bearer " + jwt(new JsonObject().put("sub", "g")
                .put("groups", new JsonArray().add("root").add(""))));
        texts.put("JWT of a worker", "Bearer " + jwt(new JsonObject().put("sub", "wk")
                .put("groups", new JsonArray().add("worker"))));
        texts.put("JWT expiring in year 9999", "Bearer " + jwt(new JsonObject().put("sub", "late")
                .put("groups", admin).put("exp", 253402300799L)));
        texts.put("JWT expiring at 2^63-1", "Bearer " + jwt(new JsonObject().put("sub", "late").put("groups", admin)
                .put("exp", Long.MAX_VALUE)));
        texts.put("JWT expiring at 1e20", "Bearer " + jwt(new JsonObject().put("sub", "late").put("groups", admin)
                .put("exp", new java.math.BigDecimal("1e20"))));
        texts.put("JWT issued in the future", "Bearer " + jwt(new JsonObject().put("sub", "early")
                .put("groups", admin).put("iat", Instant.now().getEpochSecond() + 86_400)));
        texts.put("JWT of another audience", "Bearer " + jwt(new JsonObject().put("sub", "aud").put("groups", admin)
                .put("aud", "someone-else")));
        texts.put("JWT with its signature cut", "Bearer " + jwt(new JsonObject().put("sub", "cut")
                .put("groups", admin)).replaceFirst("\\.[^.]*$", "."));
        List<Value> values = new ArrayList<>();
        texts.forEach((label, text) -> values.add(Value.bytes(label, text.getBytes(StandardCharsets.UTF_8))));
        values.add(new Value("no Authorization", null, null));
        values.add(Value.bytes("token with NUL", concat("Bearer ", (Api.ADMIN_TOKEN + "\u0000")
                .getBytes(StandardCharsets.UTF_8))));
        values.add(Value.bytes("token of invalid UTF-8", new byte[]{'B', 'e', 'a', 'r', 'e', 'r', ' ', (byte) 0xC3,
                0x28}));
        values.add(Value.bytes("token with a control character", concat("Bearer ", "ab\u0001cd"
                .getBytes(StandardCharsets.UTF_8))));
        authorizations = List.copyOf(values);
        return authorizations;
    }

    private static String unsigned(JsonObject claims) {
        java.util.Base64.Encoder url = java.util.Base64.getUrlEncoder().withoutPadding();
        claims.put("iss", Security.ISSUER).put("aud", Security.AUDIENCE).put("exp",
                Instant.now().getEpochSecond() + 3600);
        return url.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + url.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8)) + ".";
    }

    // ---- sending ----

    private Answer send(Request request, boolean toEnd) {
        return RawHttp.send(base.getHost(), base.getPort(), request.method(), request.uri(), request.headers(),
                request.body(), TIMEOUT_MS, toEnd ? RawHttp.Stream.TO_END : RawHttp.Stream.GLANCE,
                COMPLETED_STREAM_MS);
    }

    /** After an accepted request: remember the runs it made; let a bulk action finish before the next digest. */
    private void accepted(Request request, Answer answer) {
        if (answer.stream() || !answer.contentType().startsWith("application/json")) {
            return;
        }
        try {
            JsonObject json = new JsonObject(answer.body());
            if (request.operation().path().equals("/v1/jobs/{job}/runs") && json.getString("id") != null) {
                fixtures.recentRuns.add(json.getString("id"));
                if (fixtures.recentRuns.size() > 20) {
                    fixtures.recentRuns.remove(0);
                }
            }
        } catch (DecodeException | ClassCastException e) {
            // a list or another shape: nothing to remember
        }
        if (request.operation().path().equals("/v1/runs/bulk")) {
            long until = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < until && db.count("SELECT count(*) FROM job_runs WHERE job_name = 'runs.bulk'"
                    + " AND status IN ('queued', 'running', 'paused')") > 0) {
                sleep(50);
            }
        }
    }

    // ---- fixtures ----

    /** The job executed by workers, a run of it claimed with its lease, and demo.sleep's params from the API. */
    private void setUp() {
        putRemoteJob();
        refresh();
    }

    private void putRemoteJob() {
        int status = Security.as(Security.ADMIN).contentType("application/json")
                .body(new JsonObject().put("description", "fuzz").put("exclusive", false).put("timeout_ms", 600_000)
                        .encode())
                .put("/v1/jobs/" + REMOTE_JOB).then().extract().statusCode();
        assertTrue(status == 200 || status == 201, "PUT /v1/jobs/" + REMOTE_JOB + " → " + status);
    }

    /** Puts back the fixtures that requests used up (deleted, resolved, ended). */
    private void refresh() {
        UUID none = new UUID(0, 0);
        io.vertx.mutiny.sqlclient.Row state = db.rows("""
                SELECT (SELECT status FROM job_runs WHERE id = $1) AS completed,
                       (SELECT status FROM job_runs WHERE id = $2) AS inserted,
                       (SELECT status FROM job_runs WHERE id = $3) AS failed,
                       (SELECT status FROM job_runs WHERE id = $4) AS paused,
                       (SELECT status FROM job_runs WHERE id = $5) AS remote,
                       (SELECT resolved_at IS NULL FROM error_events WHERE id = $6) AS error_open,
                       (SELECT true FROM job_schedules WHERE id = $7) AS schedule,
                       (SELECT true FROM remote_jobs WHERE name = $8) AS remote_job
                """, io.vertx.mutiny.sqlclient.Tuple.tuple(List.of(uuid(fixtures.completedRun, none),
                uuid(fixtures.insertedRun, none), uuid(fixtures.failedRun, none), uuid(fixtures.pausedRun, none),
                uuid(fixtures.remoteRun, none), fixtures.errorId == null ? -1L : Long.parseLong(fixtures.errorId),
                uuid(fixtures.scheduleId, none), REMOTE_JOB))).iterator().next();
        if (state.getString("completed") == null) {
            String run = Security.as(Security.ADMIN).contentType("application/json")
                    .body(new JsonObject().put("workspace_id", UUID.randomUUID().toString())
                            .put("params", new JsonObject().put("items", 2).put("delay_ms", 0)).encode())
                    .post("/v1/jobs/demo.sleep/runs?wait=20").then().statusCode(200).extract().path("id");
            Api.awaitStatus(run, "completed");
            fixtures.completedRun = run;
            fixtures.completed.add(run);
        }
        if (state.getString("inserted") == null) {
            fixtures.insertedRun = db.insertCompletedRun(UUID.fromString(WORKSPACE_A));
        }
        if (!"failed".equals(state.getString("failed"))) {
            UUID id = UUID.randomUUID();
            db.execute("""
                    INSERT INTO job_runs (id, job_name, workspace_id, exclusive, status, finished_at, error,
                                          error_code, params)
                    VALUES ($1, 'demo.sleep', $2, false, 'failed', now(), 'fuzz', 'job_failed',
                            '{"items": 1, "delay_ms": 0}')
                    """, id, UUID.fromString(WORKSPACE_A));
            fixtures.failedRun = id.toString();
        }
        if (!"paused".equals(state.getString("paused"))) {
            UUID id = UUID.randomUUID();
            db.execute("""
                    INSERT INTO job_runs (id, job_name, workspace_id, exclusive, status, started_at, params)
                    VALUES ($1, 'demo.sleep', $2, false, 'paused', now(), '{"items": 1, "delay_ms": 0}')
                    """, id, UUID.fromString(WORKSPACE_A));
            fixtures.pausedRun = id.toString();
        }
        if (!Boolean.TRUE.equals(state.getBoolean("error_open"))) {
            fixtures.errorId = String.valueOf(db.rows("""
                    INSERT INTO error_events (severity, kind, message, job_name, workspace_id, run_id)
                    VALUES ('error', 'JOB_FAILED', 'fuzz', 'demo.sleep', $1, $2) RETURNING id
                    """, UUID.fromString(WORKSPACE_A), UUID.fromString(fixtures.failedRun)).iterator().next()
                    .getLong(0));
        }
        if (state.getBoolean("schedule") == null) {
            fixtures.scheduleId = Security.as(Security.ADMIN).contentType("application/json")
                    .body(new JsonObject().put("job", "demo.sleep").put("workspace_id", WORKSPACE_A)
                            .put("cron", "0 0 1 1 *").put("time_zone", "UTC").put("enabled", false).encode())
                    .post("/v1/schedules").then().statusCode(201).extract().path("id");
        }
        if (state.getBoolean("remote_job") == null) {
            putRemoteJob();
        }
        if (!"running".equals(state.getString("remote"))) {
            Security.as(Security.ADMIN).contentType("application/json")
                    .body(new JsonObject().put("workspace_id", WORKSPACE_A).encode())
                    .post("/v1/jobs/" + REMOTE_JOB + "/runs").then().statusCode(202);
            JsonObject claimed = new JsonObject(Security.as(Security.WORKER).contentType("application/json")
                    .body(new JsonObject().put("worker", "fuzz-fixture").put("jobs", new JsonArray().add(REMOTE_JOB))
                            .put("max", 1).put("wait", 5).encode())
                    .post("/v1/workers/claim").then().statusCode(200).extract().asString());
            JsonObject run = claimed.getJsonArray("runs").getJsonObject(0);
            fixtures.remoteRun = run.getString("run_id");
            fixtures.lease = run.getJsonObject("lease").getString("token");
            fixtures.seq = 0;
        }
    }

    private static UUID uuid(String id, UUID otherwise) {
        return id == null ? otherwise : UUID.fromString(id);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- demo.sleep's params as fields of every body that carries params ----

    /** Adds the fields of demo.sleep's params (from GET /v1/jobs) under each body field named params. */
    private List<Operation> withJobParams(List<Operation> operations) {
        JsonArray jobs = new JsonArray(Api.admin().accept("application/json").get("/v1/jobs").then()
                .statusCode(200).extract().asString());
        JsonObject schema = null;
        for (Object job : jobs) {
            JsonObject definition = (JsonObject) job;
            if ("demo.sleep".equals(definition.getString("name"))
                    && definition.getValue("params_schema") instanceof JsonObject params) {
                schema = params;
            }
        }
        if (schema == null || schema.getJsonObject("properties") == null) {
            return operations;
        }
        List<Operation> enriched = new ArrayList<>();
        for (Operation operation : operations) {
            List<Field> fields = new ArrayList<>(operation.fields());
            for (Field field : operation.fields()) {
                if (field.name().equals("params") && OpenApiOperations.type(field.schema()).equals("object")
                        && field.schema().getJsonObject("properties") == null) {
                    for (String param : schema.getJsonObject("properties").fieldNames()) {
                        List<Object> path = new ArrayList<>(field.path());
                        path.add(param);
                        fields.add(new Field(List.copyOf(path), schema.getJsonObject("properties")
                                .getJsonObject(param)));
                    }
                }
            }
            enriched.add(new Operation(operation.method(), operation.path(), operation.operationId(),
                    operation.params(), operation.body(), operation.bodyRequired(), List.copyOf(fields),
                    operation.produces()));
        }
        return enriched;
    }

    // ---- reporting ----

    private void report(List<Operation> operations, List<Target> plan, Map<String, Map<Integer, Integer>> perOperation,
            Map<Integer, Integer> perStatus, List<Failure> failures, int sent, int refused, long seconds) {
        StringBuilder out = new StringBuilder();
        out.append("API fuzz: seed ").append(SEED).append(" (-Dfuzz.seed), ").append(operations.size())
                .append(" operations, ").append(turns.size()).append(" of ")
                .append(plan.stream().map(Target::key).distinct().count()).append(" targets hit, ").append(sent)
                .append(" requests (").append(refused).append(" refused, ")
                .append(storedWhenAccepted).append(" accepted ones changed the digest) in ").append(seconds)
                .append(" s\n");
        int specific = 0;
        int tried = 0;
        Set<String> counted = new java.util.HashSet<>();
        for (Target target : plan) {
            if (counted.add(target.key())) {
                int size = choices(target.operation(), target.name(), "{}").specific().size();
                specific += size;
                tried += Math.min(size, turns.getOrDefault(target.key(), 0));
            }
        }
        out.append("  values made for their target tried: ").append(tried).append(" of ").append(specific)
                .append('\n');
        out.append("  by status: ").append(perStatus).append('\n');
        out.append("  by operation and status:\n");
        perOperation.forEach((operation, statuses) -> out.append("    ").append(operation).append(' ')
                .append(statuses).append('\n'));
        out.append("  HTTP server's own refusals (no problem+json possible): ").append(httpLayer).append('\n');
        out.append("  mean ms: ");
        timing.forEach((key, t) -> out.append(key).append('=').append(t[0] / 1_000_000L / Math.max(1, t[1]))
                .append(" (").append(t[0] / 1_000_000_000L).append(" s) "));
        out.append('\n');
        Map<String, List<Failure>> distinct = distinct(failures);
        out.append("  ").append(failures.size()).append(" failures, ").append(distinct.size())
                .append(" distinct (kind | target | value | operations):\n");
        distinct.forEach((key, list) -> out.append("   ").append(list.size()).append("× ").append(key).append(" | ")
                .append(list.stream().map(f -> f.request().operation().toString()).distinct().toList())
                .append("\n      ").append(describe(list.get(0)).replace("\n", "\n      ")).append('\n'));
        System.out.println(out);
        try {
            java.nio.file.Files.writeString(java.nio.file.Path.of("target", "api-fuzz-report.txt"), out);
        } catch (java.io.IOException e) {
            // the report is on the console too
        }
    }

    /** Failures by kind, target and value (an operation's parameter or field is the same one in the others). */
    private static Map<String, List<Failure>> distinct(List<Failure> failures) {
        Map<String, List<Failure>> distinct = new LinkedHashMap<>();
        for (Failure failure : failures) {
            distinct.computeIfAbsent(failure.kind() + " | " + failure.request().target() + " | "
                    + Hostile.visible(failure.request().value()), k -> new ArrayList<>()).add(failure);
        }
        return distinct;
    }

    private String describe(Failure failure) {
        Request request = failure.request();
        return failure.kind() + ": " + request.operation() + " [" + request.target() + " = "
                + Hostile.visible(request.value())
                + ", " + request.token() + "] → " + failure.observed() + "\n  " + curl(request);
    }

    /** The request as a curl command (bash $'…' quoting; runs of one character shown as <'c'×n>). */
    private String curl(Request request) {
        StringBuilder curl = new StringBuilder("curl -sS -X ").append(request.method()).append(' ')
                .append(quote(("http://" + base.getHost() + ":" + base.getPort()).getBytes(StandardCharsets.UTF_8),
                        request.uri()));
        for (Header header : request.headers()) {
            curl.append(" -H ").append(quote((header.name() + ": ").getBytes(StandardCharsets.UTF_8),
                    header.value()));
        }
        if (request.body() != null) {
            curl.append(" --data-binary ").append(quote(new byte[0], request.body()));
        }
        return curl.toString();
    }

    private static String quote(byte[] prefix, byte[] value) {
        byte[] all = new byte[prefix.length + value.length];
        System.arraycopy(prefix, 0, all, 0, prefix.length);
        System.arraycopy(value, 0, all, prefix.length, value.length);
        StringBuilder out = new StringBuilder("$'");
        int shown = 0;
        for (int i = 0; i < all.length; i++) {
            int run = 1;
            while (i + run < all.length && all[i + run] == all[i]) {
                run++;
            }
            if (run >= 20) {
                out.append("<'").append(render(all[i])).append("'×").append(run).append('>');
                i += run - 1;
                continue;
            }
            out.append(render(all[i]));
            if (++shown > 1500) {
                out.append("…(").append(all.length - i - 1).append(" more bytes)");
                break;
            }
        }
        return out.append('\'').toString();
    }

    private static String render(byte b) {
        int c = b & 0xff;
        if (c == '\'' || c == '\\') {
            return "\\" + (char) c;
        }
        return c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c);
    }

    private static String abbreviate(String text, int max) {
        String flat = text.replace("\n", "\\n").replace("\r", "\\r");
        return flat.length() <= max ? flat : flat.substring(0, max) + "…";
    }
}
