package dev.jobstream.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.jobstream.attempt.AttemptEnd;
import dev.jobstream.params.ParamsSchema;
import dev.jobstream.run.RunFlush;
import dev.jobstream.run.RunStatus;
import dev.jobstream.spi.FencingToken;
import dev.jobstream.spi.JobContext;
import dev.jobstream.spi.JobHandler;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;

/**
 * Runs a job's handler the way the engine does — params merged over the job's defaults, checkpoints, blocking work
 * on a worker thread, and what each attempt's end makes of the run decided by the service's own attempt core
 * ({@link AttemptEnd}: retries by the job's policy, snoozes, cancels) — without HTTP or the run tables, and records what it
 * reported: logs, progress, error-log entries, metrics, the failure. Time is a {@link MutableClock}: the harness
 * moves it on by each backoff or snooze instead of waiting. A job that reads the database (its stores are CDI beans)
 * runs against the test's embedded PostgreSQL: inject the handler in a {@code @QuarkusTest} and give it here.
 *
 * <pre>{@code
 * JobHarness.Attempt attempt = JobHarness.of(job).params(Map.of("items", 3, "delay_ms", 0)).run();
 * assertEquals(3, attempt.metrics().get("processed"));
 * JobHarness.Outcome outcome = JobHarness.of(flaky).runWithRetries();
 * assertEquals(List.of("retrying", "retrying", "completed"), outcome.outcomes());
 * }</pre>
 */
public final class JobHarness {

    /** The longest snooze, as the service's default {@code jobstream.triggers.max-delay} allows. */
    private static final Duration MAX_SNOOZE = Duration.ofDays(30);

    /** One log line the job wrote. */
    public record Log(String level, String message) {
    }

    /** One progress report. */
    public record Progress(long processed, Long total) {
    }

    /**
     * What one attempt did: its number, outcome ({@code completed}, {@code failed}, {@code retrying} — failed, to be
     * retried —, {@code snoozed} or {@code cancelled}), when it started on the harness's clock, what it reported, and
     * the delay before the next attempt (null if none follows).
     */
    public record Attempt(int number, String outcome, Instant startedAt, List<Log> logs, List<Progress> progress,
            List<Map<String, String>> errors, int checkpoints, Map<String, Object> metrics, Throwable failure,
            Duration next) {

        /** The messages the job logged, in order. */
        public List<String> messages() {
            return logs.stream().map(Log::message).toList();
        }
    }

    /** The attempts of a run, as the engine would have made them, and the last one's outcome. */
    public record Outcome(List<Attempt> attempts) {

        public Attempt last() {
            return attempts.get(attempts.size() - 1);
        }

        public List<String> outcomes() {
            return attempts.stream().map(Attempt::outcome).toList();
        }
    }

    private final JobHandler job;
    private Map<String, Object> params = Map.of();
    private boolean dryRun;
    private UUID workspace = UUID.randomUUID();
    private MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private int cancelAtCheckpoint = -1;
    private Duration timeout = Duration.ofMinutes(1);

    private JobHarness(JobHandler job) {
        this.job = job;
    }

    public static JobHarness of(JobHandler job) {
        return new JobHarness(job);
    }

    /**
     * {@code given} over the job's defaults and checked against its schema (declared, or its typed params'), as the
     * service checks a trigger's.
     *
     * @throws IllegalArgumentException naming every violation, as the service's 400 would
     */
    static JsonObject resolved(JobHandler job, Map<String, Object> given) {
        try {
            ParamsSchema schema = job.paramsSchema().isPresent()
                    ? ParamsSchema.declared(job.paramsSchema().get().getMap())
                    : ParamsSchema.typed(job.params());
            return new JsonObject(schema.resolve(given));
        } catch (ParamsSchema.Refused e) {
            throw new IllegalArgumentException("Params of job '" + job.name() + "' refused: " + e.violations(), e);
        }
    }

    /** The trigger's params; merged over the job's defaults and checked against its schema as a trigger's are. */
    public JobHarness params(Map<String, Object> params) {
        this.params = params;
        return this;
    }

    public JobHarness dryRun(boolean dryRun) {
        this.dryRun = dryRun;
        return this;
    }

    public JobHarness workspace(UUID workspace) {
        this.workspace = workspace;
        return this;
    }

    /** The clock the job reads; the harness moves it on by backoffs and snoozes. */
    public JobHarness clock(MutableClock clock) {
        this.clock = clock;
        return this;
    }

    /** A cancel arrives at the {@code n}th checkpoint (1 for the first): that checkpoint fails, as the engine's would. */
    public JobHarness cancelAtCheckpoint(int n) {
        this.cancelAtCheckpoint = n;
        return this;
    }

    /** How long the harness waits for one attempt (real time); a job that takes longer fails the test. */
    public JobHarness timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /** One attempt (the first). */
    public Attempt run() {
        return attempt(1, job.retry().maxAttempts());
    }

    /**
     * Attempts as the engine would: a failure the retry policy allows another attempt for is tried again after its
     * backoff (the middle of its jitter), a snooze after its duration with one attempt more allowed; the clock moves
     * on by each wait.
     */
    public Outcome runWithRetries() {
        List<Attempt> attempts = new ArrayList<>();
        int maxAttempts = job.retry().maxAttempts();
        for (int number = 1;; number++) {
            Attempt attempt = attempt(number, maxAttempts);
            attempts.add(attempt);
            if (attempt.next() == null) {
                return new Outcome(List.copyOf(attempts));
            }
            if ("snoozed".equals(attempt.outcome())) {
                maxAttempts++;
            }
            clock.advance(attempt.next());
        }
    }

    private Attempt attempt(int number, int maxAttempts) {
        Context context = new Context(number);
        Instant startedAt = clock.instant();
        Map<String, Object> metrics = null;
        Throwable failure = null;
        try {
            Uni<Map<String, Object>> work = job.run(context);
            metrics = work.await().atMost(timeout);
        } catch (RuntimeException e) {
            failure = e instanceof io.smallrye.mutiny.TimeoutException
                    ? new AssertionError(
                            "Attempt " + number + " of " + job.name() + " took longer than " + timeout, e)
                    : e;
        }
        if (failure instanceof AssertionError) {
            throw (AssertionError) failure;
        }
        // what the run becomes, decided by the engines' and workers' own attempt core
        AttemptEnd ending = failure instanceof Cancelled
                ? AttemptEnd.cancelled(metrics)
                : AttemptEnd.of(metrics,
                        failure);
        RunFlush.End end = ending.decide(number, maxAttempts, false, job.retry(), MAX_SNOOZE, 0, 0.5);
        String outcome = end.status() != RunStatus.QUEUED
                ? end.status().value()
                : end.snoozed() ? "snoozed" : "retrying";
        Duration next = end.retryInMs() == null ? null : Duration.ofMillis(end.retryInMs());
        return new Attempt(number, outcome, startedAt, List.copyOf(context.logs), List.copyOf(context.progress),
                List.copyOf(context.errors), context.checkpoints, metrics, failure, next);
    }

    /** The failure of a checkpoint at which a cancel arrived. */
    static final class Cancelled extends RuntimeException {
        Cancelled() {
            super("cancelled", null, false, false);
        }
    }

    /** The job's context for one attempt: records what it reports. */
    private final class Context implements JobContext {

        private final int attempt;
        private final UUID runId = UUID.randomUUID();
        private final JsonObject merged;
        final List<Log> logs = Collections.synchronizedList(new ArrayList<>());
        final List<Progress> progress = Collections.synchronizedList(new ArrayList<>());
        final List<Map<String, String>> errors = Collections.synchronizedList(new ArrayList<>());
        volatile int checkpoints;

        Context(int attempt) {
            this.attempt = attempt;
            this.merged = resolved(job, params);
        }

        @Override
        public UUID runId() {
            return runId;
        }

        @Override
        public UUID workspaceId() {
            return workspace;
        }

        @Override
        public JsonObject params() {
            return merged;
        }

        @Override
        public boolean dryRun() {
            return dryRun;
        }

        @Override
        public String correlationId() {
            return "harness";
        }

        @Override
        public int attempt() {
            return attempt;
        }

        @Override
        public FencingToken fencingToken() {
            return new FencingToken(runId, attempt);
        }

        @Override
        public void log(String level, String message) {
            logs.add(new Log(level, message));
        }

        @Override
        public void progress(long processed, Long total) {
            progress.add(new Progress(processed, total));
        }

        @Override
        public void recordError(String item, String message) {
            errors.add(Map.of("item", String.valueOf(item), "message", String.valueOf(message)));
        }

        @Override
        public Uni<Void> checkpoint() {
            int n = ++checkpoints;
            return n == cancelAtCheckpoint ? Uni.createFrom().failure(new Cancelled()) : Uni.createFrom().voidItem();
        }

        @Override
        public java.time.Clock clock() {
            return clock;
        }

    }
}
