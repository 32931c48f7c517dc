package dev.jobstream.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Every setting of jobstream; docs/configuration.md lists them in their environment form. */
@ConfigMapping(prefix = "jobstream")
public interface JobstreamConfig {

    /** An admin bearer token (at least 32 characters in production). Unset: none, except in dev mode. */
    Optional<String> adminToken();

    /** The demo jobs ({@code demo.*}): on in dev and test mode, off in production unless set. */
    @WithDefault("false")
    boolean demoJobs();

    /**
     * A JSON file of further tokens: {@code [{"name", "sha256", "roles": [...], "workspaces": [...],
     * "expires_at"}]}; re-read when it changes.
     */
    Optional<String> tokensFile();

    /** Owner name of this replica's engines; defaults to the host name. */
    Optional<String> instanceId();

    /** Heartbeat age that makes an executing run stale. */
    @WithDefault("30s")
    Duration staleAfter();

    /** How often engines refresh the heartbeat of their runs (one UPDATE per replica). */
    @WithDefault("5s")
    Duration heartbeatInterval();

    Engines engines();

    Replicas replicas();

    Events events();

    Sweeper sweeper();

    Retention retention();

    Shutdown shutdown();

    Metrics metrics();

    interface Metrics {
        /** True: {@code /q/metrics} answers without a token (for a scraper inside the cluster). */
        @WithDefault("false")
        @io.smallrye.config.WithName("public")
        boolean isPublic();
    }

    Dispatch dispatch();

    Workers workers();

    interface Workers {
        /**
         * A JSON file of jobs executed by workers, {@code {"name": {definition}, ...}} (each definition as
         * {@code PUT /v1/jobs/{name}} takes it), registered when the service starts; a definition that is not valid
         * stops the start with the reason.
         */
        Optional<String> jobsFile();
    }

    Schedules schedules();

    Triggers triggers();

    Pg pg();

    interface Pg {
        /** How often the connection held for good (LISTEN) is asked for an answer. */
        @WithDefault("5s")
        Duration pingInterval();

        /** How long such a connection may take to answer; one that does not is closed and replaced. */
        @WithDefault("3s")
        Duration pingTimeout();
    }

    interface Triggers {
        /**
         * Single triggers that may wait for the database (they go in micro-batches of up to 1,000); beyond, a trigger
         * is answered 503 with {@code Retry-After}, rather than held in memory.
         */
        @WithDefault("10000")
        int maxWaiting();

        /**
         * {@code ?wait} triggers one token may have waiting for their runs' ends on one replica; beyond, a trigger
         * with {@code ?wait} is answered 429 with {@code Retry-After} (and inserts nothing).
         */
        @WithDefault("50")
        int maxWaitsPerToken();

        /** How far ahead a trigger's {@code run_at} or {@code delay} may ask for its run; beyond, a 400 problem. */
        @WithDefault("30d")
        Duration maxDelay();
    }

    Webhooks webhooks();

    interface Webhooks {
        /**
         * True: a webhook may target private, loopback, link-local and other internal addresses; by default they are
         * refused, so that a webhook cannot be turned against the cluster.
         */
        @WithDefault("false")
        boolean allowPrivate();

        /**
         * Hosts (by name, as the URL writes them) and addresses or CIDR blocks ({@code 10.1.2.3}, {@code 10.0.0.0/8},
         * {@code fd00::/8}) a webhook may target even if they are internal; none by default.
         */
        Optional<List<String>> allowedHosts();

        /** How long a delivery may take to connect and to be answered; beyond, the attempt failed. */
        @WithDefault("10s")
        Duration timeout();

        /** Attempts of one delivery, the first included; after the last failed one it is failed for good. */
        @WithDefault("8")
        int maxAttempts();

        /** The wait before a delivery's second attempt; each next wait is three times longer (± 20 %). */
        @WithDefault("1m")
        Duration backoffBase();

        /** The longest wait between two attempts of a delivery. */
        @WithDefault("12h")
        Duration backoffMax();

        /** How often a replica looks for due deliveries when no notification arrives (retries come due so). */
        @WithDefault("5s")
        Duration pollInterval();
    }

    Streams streams();

    interface Streams {
        /** Interval of the {@code : keepalive} comment on SSE streams, so that proxies keep idle streams open. */
        @WithDefault("15s")
        Duration keepalive();

        /** Bytes an SSE subscriber may have waiting to be sent; beyond, it is disconnected (and resumes later). */
        @WithDefault("65536")
        int writeQueueBytes();

        /** SSE streams one token may have open on one replica; beyond, a new one is answered 429 with Retry-After. */
        @WithDefault("500")
        int maxPerToken();
    }

    interface Replicas {
        /** How long a replica that stopped, or went silent, stays in the registry ({@code GET /v1/replicas}). */
        @WithDefault("24h")
        Duration retention();
    }

    interface Engines {
        /**
         * Engines (runs executing at once) per replica: a job's concurrency. An engine is not a thread (blocking
         * code goes through {@code context.blocking(...)}, on the worker pool), so a hundred cost little; its slot frees when the job is done.
         */
        @WithDefault("100")
        int max();

        /**
         * Runs whose job is done and whose end is still being stored, beyond the engines: an
         * engine's slot takes the next run as soon as its job is done, and this bounds what a replica holds meanwhile.
         */
        @WithDefault("1000")
        int maxEnding();

        /** How long stopped engines stay in the registry ({@code GET /v1/engines}). */
        @WithDefault("5m")
        Duration retention();

        /**
         * How long a paused run keeps its engine (and slot, and the job's place); then it is parked: it stays paused
         * without an engine, and resume queues it as its next attempt.
         */
        @WithDefault("10m")
        Duration pauseHold();

        /**
         * How long a job past its timeout may take to reach a checkpoint; then its attempt is abandoned (it fails
         * with {@code timeout} and its engine is freed, as force-cancel does).
         */
        @WithDefault("30s")
        Duration timeoutGrace();
    }

    interface Sweeper {
        /** How often the sweeper looks for stale runs, stopped engines and expired rows. */
        @WithDefault("10s")
        Duration interval();
    }

    interface Retention {
        /** Age (since they ended) after which terminal runs and their events are deleted. */
        @WithDefault("30d")
        Duration runs();

        /** Age after which error events are deleted. */
        @WithDefault("90d")
        Duration errors();
    }

    interface Shutdown {
        /**
         * On SIGTERM, how long engines have to reach a checkpoint; runs still executing after it are requeued.
         */
        @WithDefault("20s")
        Duration grace();
    }

    interface Events {
        /** Events stored per run; the last is a truncation notice, and the end event is always stored after it. */
        @WithDefault("10000")
        int maxPerRun();

        /** Longest wait before buffered events are written; a flush also starts as soon as the previous one ends. */
        @WithDefault("5ms")
        Duration flushLinger();
    }

    interface Schedules {
        /** How often a replica looks for schedules whose tick is due (a tick fires at most this late). */
        @WithDefault("1s")
        Duration pollInterval();
    }

    interface Dispatch {
        /** How often a replica looks for queued runs when no notification arrives. */
        @WithDefault("1s")
        Duration pollInterval();

        /** Most queued runs claimed in one statement. */
        @WithDefault("500")
        int claimBatch();
    }
}
