package dev.jobstream.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A worker outside the service: it claims runs of the jobs it has handlers for (a long poll that answers as soon as
 * runs are due), executes each on its own thread, reports on it under its lease, and ends its attempt.
 *
 * <pre>{@code
 * try (JobstreamWorker worker = JobstreamWorker.builder(URI.create("https://jobstream.example"), token)
 *         .handle("reports.build", run -> {
 *             for (int i = 0; i < 10; i++) {
 *                 run.checkpoint(); // a pause waits here, a cancel stops here
 *                 run.progress(i + 1, 10L);
 *             }
 *             return Map.of("pages", 10);
 *         })
 *         .start()) {
 *     ...
 * }
 * }</pre>
 *
 * {@link #close()} stops claiming and waits for the runs in hand; a worker that dies instead leaves them to the
 * service, which retries each once its lease expires.
 */
public final class JobstreamWorker implements AutoCloseable {

    static final Logger LOG = Logger.getLogger(JobstreamWorker.class.getName());

    private final WorkerApi api;
    /** The ends of this worker's runs, sent in batches. */
    private final EndBatch ends;
    private final ObjectMapper json;
    private final String workerId;
    private final Map<String, JobHandler> handlers;
    private final int concurrency;
    private final Duration pollWait;
    private final Duration reportEvery;
    private final Duration patience;
    private final Duration closeGrace;
    /** Free places for runs: a claim asks for as many as are free. */
    private final Semaphore free;
    private final ExecutorService runners;
    private final ScheduledExecutorService reporter;
    private final Thread claimer;
    private volatile boolean closing;
    private volatile CompletableFuture<JsonNode> polling;

    private JobstreamWorker(Builder builder) {
        this.json = new ObjectMapper();
        this.api = new WorkerApi(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build(), builder.url, builder.token, json);
        this.ends = new EndBatch(api, builder.patience);
        this.workerId = builder.workerId;
        this.handlers = Map.copyOf(builder.handlers);
        this.concurrency = builder.concurrency;
        this.pollWait = builder.pollWait;
        this.reportEvery = builder.reportEvery;
        this.patience = builder.patience;
        this.closeGrace = builder.closeGrace;
        this.free = new Semaphore(concurrency);
        this.runners = Executors.newFixedThreadPool(concurrency, daemon("jobstream-run"));
        this.reporter = Executors.newScheduledThreadPool(Math.min(concurrency, 8), daemon("jobstream-report"));
        this.claimer = daemon("jobstream-claim").newThread(this::claimUntilClosed);
    }

    public static Builder builder(URI url, String token) {
        return new Builder(url, token);
    }

    /** The id this worker claims with (the runs' owner is {@code worker:<token name>/<id>}). */
    public String workerId() {
        return workerId;
    }

    private JobstreamWorker start() {
        claimer.start();
        return this;
    }

    private void claimUntilClosed() {
        Duration pause = Duration.ofMillis(100);
        while (!closing) {
            int places;
            try {
                // claims go in batches: a quarter of the places at least (one claim per run costs the service a
                // statement pair per run, and short runs would wait on it)
                int batch = (concurrency + 3) / 4;
                free.acquire(batch);
                places = batch + free.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
            List<JsonNode> runs = List.of();
            try {
                runs = claim(places);
                pause = Duration.ofMillis(100);
            } catch (InterruptedException e) {
                free.release(places);
                return;
            } catch (RuntimeException | IOException e) {
                if (!closing) {
                    LOG.warning("Claim failed, trying again in " + pause.toMillis() + " ms: " + e.getMessage());
                    sleepQuietly(pause);
                    pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5)
                            : pause.multipliedBy(2);
                }
            }
            free.release(places - runs.size());
            for (JsonNode run : runs) {
                runners.execute(() -> {
                    try {
                        execute(run);
                    } finally {
                        free.release();
                    }
                });
            }
        }
    }

    private List<JsonNode> claim(int places) throws IOException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("worker", workerId);
        body.put("jobs", List.copyOf(handlers.keySet()));
        body.put("max", places);
        body.put("wait", pollWait.toSeconds());
        CompletableFuture<JsonNode> call = api.send("v1/workers/claim", body, pollWait.plusSeconds(15));
        polling = call;
        if (closing) {
            call.cancel(true);
        }
        try {
            List<JsonNode> runs = new ArrayList<>();
            call.get().path("runs").forEach(runs::add);
            return runs;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (java.util.concurrent.CancellationException e) {
            return List.of();
        }
    }

    private void execute(JsonNode claimed) {
        RunContext run = new RunContext(api, ends, json, claimed, patience);
        JobHandler handler = handlers.get(run.job());
        ScheduledFuture<?> reports = reporter.scheduleWithFixedDelay(run::reportQuietly,
                reportEvery.toMillis(), reportEvery.toMillis(), TimeUnit.MILLISECONDS);
        try {
            Map<String, ?> metrics = handler.run(run);
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("metrics", metrics == null ? Map.of() : metrics);
            run.end("complete", fields);
        } catch (RunStoppedException e) {
            stopped(run, e);
        } catch (SnoozeException e) {
            end(run, "snooze", Map.of("delay_ms", e.delay().toMillis()));
        } catch (JobFailedException e) {
            end(run, "fail", failure(e.getMessage(), e.code(), e.retryable()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | Error e) {
            end(run, "fail", failure(String.valueOf(e), "job_failed", true));
        } finally {
            reports.cancel(false);
        }
    }

    private void stopped(RunContext run, RunStoppedException stop) {
        switch (stop.reason()) {
            case CANCELLED -> end(run, "cancelled", Map.of());
            case TIMED_OUT -> end(run, "fail", failure(stop.getMessage(), "timeout", true));
            case LEASE_LOST -> LOG.info("Run " + run.runId() + " stopped: " + stop.getMessage());
        }
    }

    private static Map<String, Object> failure(String error, String code, boolean retryable) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("error", error);
        fields.put("error_code", code);
        fields.put("retryable", retryable);
        return fields;
    }

    private static void end(RunContext run, String how, Map<String, Object> fields) {
        try {
            run.end(how, fields);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops claiming (a long poll in progress is abandoned: the service gives back what it claims for a client that
     * left) and waits for the runs in hand, at most the close grace; runs still executing then are left to their
     * leases.
     */
    @Override
    public void close() {
        closing = true;
        CompletableFuture<JsonNode> poll = polling;
        if (poll != null) {
            poll.cancel(true);
        }
        claimer.interrupt();
        runners.shutdown();
        try {
            claimer.join(closeGrace.toMillis());
            if (!runners.awaitTermination(closeGrace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warning("Runs still executing after " + closeGrace + ": left to their leases");
                runners.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reporter.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    private static void sleepQuietly(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How a worker is set up; {@link #start()} starts it. */
    public static final class Builder {
        private final URI url;
        private final String token;
        private final Map<String, JobHandler> handlers = new LinkedHashMap<>();
        private String workerId = defaultWorkerId();
        private int concurrency = 4;
        private Duration pollWait = Duration.ofSeconds(30);
        private Duration reportEvery = Duration.ofSeconds(1);
        private Duration patience = Duration.ofSeconds(30);
        private Duration closeGrace = Duration.ofSeconds(30);

        private Builder(URI url, String token) {
            String base = Objects.requireNonNull(url, "url").toString();
            this.url = URI.create(base.endsWith("/") ? base : base + "/");
            this.token = Objects.requireNonNull(token, "token");
        }

        /** The code of a job executed by workers (registered with {@code PUT /v1/jobs/{name}}). */
        public Builder handle(String job, JobHandler handler) {
            handlers.put(Objects.requireNonNull(job, "job"), Objects.requireNonNull(handler, "handler"));
            return this;
        }

        /** This worker's id among the token's workers: 1-100 letters, digits or ._:@- (default host and pid). */
        public Builder workerId(String id) {
            this.workerId = Objects.requireNonNull(id, "id");
            return this;
        }

        /** Runs executed at once (default 4), each on its own thread. */
        public Builder concurrency(int runs) {
            if (runs < 1 || runs > 100) {
                throw new IllegalArgumentException("concurrency must be 1 to 100");
            }
            this.concurrency = runs;
            return this;
        }

        /** How long a claim waits for runs to be due (0 to 60 s; default 30 s). */
        public Builder pollWait(Duration wait) {
            if (wait.isNegative() || wait.toSeconds() > 60) {
                throw new IllegalArgumentException("pollWait must be 0 to 60 s");
            }
            this.pollWait = wait;
            return this;
        }

        /** How often a run's events are sent and its lease renewed (default 1 s; well within the lease). */
        public Builder reportEvery(Duration every) {
            this.reportEvery = every;
            return this;
        }

        /** How long a report or an end is sent again after network faults before it is given up (default 30 s). */
        public Builder patience(Duration patience) {
            this.patience = patience;
            return this;
        }

        /** How long {@link JobstreamWorker#close()} waits for the runs in hand (default 30 s). */
        public Builder closeGrace(Duration grace) {
            this.closeGrace = grace;
            return this;
        }

        /** Starts claiming. */
        public JobstreamWorker start() {
            if (handlers.isEmpty()) {
                throw new IllegalStateException("A worker needs a handler for at least one job");
            }
            return new JobstreamWorker(this).start();
        }

        private static String defaultWorkerId() {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "worker";
            }
            String id = host.replaceAll("[^A-Za-z0-9._:@-]", "-") + "-" + ProcessHandle.current().pid();
            return id.length() > 100 ? id.substring(id.length() - 100) : id;
        }
    }
}
