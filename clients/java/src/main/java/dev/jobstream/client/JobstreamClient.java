package dev.jobstream.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A caller of jobstream: triggers runs, reads and lists them, waits for their end, follows their events, watches the
 * live feed, and pauses, resumes, cancels and retries them. The JDK's HTTP client and Jackson, nothing else.
 *
 * <pre>{@code
 * JobstreamClient jobstream = JobstreamClient.builder(URI.create("https://jobstream.example")).build();
 * Run run = jobstream.trigger("reports.export", TriggerRequest.params(Map.of("days", 7)));
 * jobstream.follow(run.id(), 0, event -> System.out.println(event.event() + " " + event.data()));
 * Run ended = jobstream.awaitEnd(run.id(), Duration.ofMinutes(5));
 * }</pre>
 *
 * The token is the builder's, or else the content of the builder's token file, or else the environment's
 * {@code JOBSTREAM_TOKEN}, or else the content of the file {@code JOBSTREAM_TOKEN_FILE} names. A call the service
 * refuses throws {@link JobstreamApiException} with the status
 * and problem document; one that reaches no answer throws the {@link IOException} of the HTTP client. A client is
 * safe to share between threads.
 */
public final class JobstreamClient {

    /** The reconnection delay of an event stream until the service sends its own ({@code retry:}). */
    static final long DEFAULT_RETRY_MILLIS = 3000;

    private final CallerApi api;
    private final Duration reconnectPatience;

    private JobstreamClient(CallerApi api, Duration reconnectPatience) {
        this.api = api;
        this.reconnectPatience = reconnectPatience;
    }

    /** A client of the service at {@code baseUrl} (such as {@code https://jobstream.example}). */
    public static Builder builder(URI baseUrl) {
        return new Builder(baseUrl);
    }

    /** Triggers a run of {@code job}: the new run, or, for an idempotency key seen before, the run it made. */
    public Run trigger(String job, TriggerRequest request) throws IOException, InterruptedException {
        return api.call("POST", "v1/jobs/" + CallerApi.segment(job) + "/runs", body(request), Run.class);
    }

    /** Triggers up to 1,000 runs of {@code job} in one call: one result per request, in order. */
    public List<BatchResult> triggerBatch(String job, List<TriggerRequest> requests)
            throws IOException, InterruptedException {
        List<ObjectNode> runs = new ArrayList<>(requests.size());
        for (TriggerRequest request : requests) {
            runs.add(body(request));
        }
        JsonNode answer = api.call("POST", "v1/jobs/" + CallerApi.segment(job) + "/runs/batch", Map.of("runs", runs));
        List<BatchResult> results = new ArrayList<>();
        for (JsonNode result : answer.path("results")) {
            results.add(api.json.treeToValue(result, BatchResult.class));
        }
        return results;
    }

    public Run run(UUID id) throws IOException, InterruptedException {
        return api.call("GET", "v1/runs/" + id, null, Run.class);
    }

    /** One page of runs, newest first. */
    public RunPage runs(RunQuery query) throws IOException, InterruptedException {
        return api.call("GET", CallerApi.query("v1/runs", "job", query.job(), "workspace_id", query.workspaceId(),
                "status", query.status(), "dry_run", query.dryRun(), "limit", query.limit(), "cursor", query.cursor()),
                null, RunPage.class);
    }

    /**
     * Every run of the query, newest first, page after page: a page is fetched when the stream reaches it (the first
     * one at once). A fault of a later page is thrown as {@link UncheckedIOException}.
     */
    public Stream<Run> allRuns(RunQuery query) throws IOException, InterruptedException {
        return Stream.iterate(runs(query), Objects::nonNull, page -> page.nextCursor() == null ? null
                : nextPage(query.withCursor(page.nextCursor()))).flatMap(page -> page.runs().stream());
    }

    private RunPage nextPage(RunQuery query) {
        try {
            return runs(query);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading runs", e);
        }
    }

    /** The jobs the service can run, built in or executed by workers. */
    public List<Job> jobs() throws IOException, InterruptedException {
        return List.of(api.call("GET", "v1/jobs", null, Job[].class));
    }

    /**
     * The schedules of {@code job} in {@code workspaceId} (null: any), oldest first; at most {@code limit} of them
     * (1–500; null: the service's 100).
     */
    public List<Schedule> schedules(String job, UUID workspaceId, Integer limit)
            throws IOException, InterruptedException {
        JsonNode answer = api.call("GET",
                CallerApi.query("v1/schedules", "job", job, "workspace_id", workspaceId, "limit", limit), null);
        return List.of(api.json.treeToValue(answer.path("schedules"), Schedule[].class));
    }

    /**
     * Waits for the run to end and answers it as it ended; reads it at growing intervals (up to a second).
     *
     * @throws TimeoutException if it has not ended within {@code timeout}
     */
    public Run awaitEnd(UUID id, Duration timeout) throws IOException, InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pauseMillis = 50;
        while (true) {
            Run run = run(id);
            if (run.isTerminal()) {
                return run;
            }
            long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMillis <= 0) {
                throw new TimeoutException("run " + id + " is still " + run.status() + " after " + timeout);
            }
            Thread.sleep(Math.min(pauseMillis, leftMillis));
            pauseMillis = Math.min(pauseMillis * 2, 1000);
        }
    }

    /**
     * Hands the run's events after {@code afterSeq} (0: all) to {@code onEvent}, in order, until its last one
     * ({@code end_json}), and answers the number of the last event handed. A connection that drops is opened again
     * after the service's {@code retry:} delay, from the last event handed ({@code Last-Event-ID}): no event is missed
     * or handed twice. Returns at once, with {@code afterSeq}, when the run has ended and {@code afterSeq} is its last
     * event.
     *
     * @throws IOException if no connection could be opened for the builder's reconnect patience
     */
    public int follow(UUID id, int afterSeq, Consumer<RunEvent> onEvent) throws IOException, InterruptedException {
        return new RunFollower(api, id, reconnectPatience, afterSeq, onEvent).follow();
    }

    /**
     * The live feed ({@code GET /v1/stream}): changes of runs of {@code job} in {@code workspaceId} (null: any) from
     * now on, as they happen. Close the stream to stop; it ends if the connection drops (the feed has no positions
     * to resume from: read the runs again with {@link #runs} and open it anew). A fault while reading is thrown as
     * {@link UncheckedIOException}.
     */
    public Stream<RunChange> changes(String job, UUID workspaceId) throws IOException, InterruptedException {
        return LiveFeed.open(api, CallerApi.query("v1/stream", "job", job, "workspace_id", workspaceId));
    }

    /** Asks a running run to pause at its next checkpoint. */
    public Run pause(UUID id) throws IOException, InterruptedException {
        return control(id, "pause");
    }

    /** Asks a paused run to go on. */
    public Run resume(UUID id) throws IOException, InterruptedException {
        return control(id, "resume");
    }

    /** Cancels a queued run at once, an executing one at its next checkpoint. */
    public Run cancel(UUID id) throws IOException, InterruptedException {
        return control(id, "cancel");
    }

    /** Ends an active run at once, wherever it is executing (for hung runs). */
    public Run forceCancel(UUID id) throws IOException, InterruptedException {
        return control(id, "cancel?force=true");
    }

    /** Puts a failed or cancelled run back in the queue as a new attempt. */
    public Run retry(UUID id) throws IOException, InterruptedException {
        return control(id, "retry");
    }

    private Run control(UUID id, String action) throws IOException, InterruptedException {
        return api.call("POST", "v1/runs/" + id + "/" + action, null, Run.class);
    }

    /** The trigger's body: the fields given, in the service's names. */
    private ObjectNode body(TriggerRequest request) {
        ObjectNode body = api.json.createObjectNode();
        if (request.params() != null) {
            body.set("params", api.json.valueToTree(request.params()));
        }
        put(body, "workspace_id", request.workspaceId());
        put(body, "idempotency_key", request.idempotencyKey());
        put(body, "run_at", request.runAt());
        put(body, "delay", request.delay());
        put(body, "priority", request.priority());
        put(body, "dry_run", request.dryRun());
        put(body, "timeout", request.timeout());
        put(body, "max_attempts", request.maxAttempts());
        put(body, "webhook", request.webhook());
        return body;
    }

    private static void put(ObjectNode body, String name, Object value) {
        if (value instanceof Integer number) {
            body.put(name, number);
        } else if (value instanceof Boolean flag) {
            body.put(name, flag);
        } else if (value != null) {
            body.put(name, value.toString()); // UUID, ISO-8601 instant and duration
        }
    }

    /** Builds a {@link JobstreamClient}; only the base URL is required (see the class for the token). */
    public static final class Builder {

        private final URI baseUrl;
        private String token;
        private Path tokenFile;
        private Map<String, String> environment = System.getenv();
        private Duration timeout = Duration.ofSeconds(30);
        private Duration reconnectPatience = Duration.ofMinutes(1);

        private Builder(URI baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
        }

        /** The bearer token; without it, {@code JOBSTREAM_TOKEN} or the file {@code JOBSTREAM_TOKEN_FILE} names. */
        public Builder token(String token) {
            this.token = token;
            return this;
        }

        /** How long a call may wait for its answer (30 s); an event stream waits as long as it is open. */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** How long {@link #follow} goes on trying to open its stream again after it dropped (a minute). */
        public Builder reconnectPatience(Duration reconnectPatience) {
            this.reconnectPatience = reconnectPatience;
            return this;
        }

        /** The file whose content is the token, read by {@link #build}; a token given to the builder comes first. */
        public Builder tokenFile(Path tokenFile) {
            this.tokenFile = tokenFile;
            return this;
        }

        /** The environment the token is looked up in, in place of the process's (a command line's, or a test's). */
        public Builder environment(Map<String, String> environment) {
            this.environment = environment;
            return this;
        }

        /**
         * @throws IllegalStateException if there is no token
         * @throws UncheckedIOException if {@code JOBSTREAM_TOKEN_FILE} cannot be read
         */
        public JobstreamClient build() {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            return new JobstreamClient(new CallerApi(http, baseUrl, token(), timeout), reconnectPatience);
        }

        private String token() {
            if (token != null) {
                return token;
            }
            if (tokenFile != null) {
                return read(tokenFile, "the token file");
            }
            String fromEnvironment = environment.get("JOBSTREAM_TOKEN");
            if (fromEnvironment != null && !fromEnvironment.isBlank()) {
                return fromEnvironment.strip();
            }
            String file = environment.get("JOBSTREAM_TOKEN_FILE");
            if (file != null && !file.isBlank()) {
                return read(Path.of(file), "JOBSTREAM_TOKEN_FILE");
            }
            throw new IllegalStateException(
                    "no token: give one to the builder, or set JOBSTREAM_TOKEN or JOBSTREAM_TOKEN_FILE");
        }

        /** The token in {@code file}, without the blanks around it; {@code what} names the file in a fault. */
        private static String read(Path file, String what) {
            String fromFile;
            try {
                fromFile = Files.readString(file).strip();
            } catch (IOException e) {
                throw new UncheckedIOException(what + " cannot be read: " + file, e);
            }
            if (fromFile.isEmpty()) {
                throw new IllegalStateException(what + " is empty: " + file);
            }
            return fromFile;
        }
    }
}
