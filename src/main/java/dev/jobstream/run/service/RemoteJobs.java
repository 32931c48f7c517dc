package dev.jobstream.run.service;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jobstream.auth.Caller;
import dev.jobstream.concurrent.Periodic;
import dev.jobstream.config.JobstreamConfig;
import dev.jobstream.config.StartupOrder;
import dev.jobstream.pg.Channels;
import dev.jobstream.pg.Notifications;
import dev.jobstream.refusal.Conflict;
import dev.jobstream.refusal.Invalid;
import dev.jobstream.refusal.NotFound;
import dev.jobstream.refusal.Refusal;
import dev.jobstream.run.RemoteJob;
import dev.jobstream.run.store.RemoteJobStore;
import dev.jobstream.webhook.WebhookService;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * The jobs executed by workers: registered and deleted through the API, read from the database when the service
 * starts, when any replica changes them (a NOTIFY on {@code jobstream_jobs}) and once a minute as a safety net (a
 * notification lost while the listening connection was away), and handed to the {@link JobRegistry}. A job's webhook
 * must be registered when the API registers the job; the jobs file's are checked for their form alone (they are read
 * before the database is), and a run of a job naming a webhook no longer registered has its delivery fail.
 */
@Singleton
public class RemoteJobs {

    private static final Logger LOG = Logger.getLogger(RemoteJobs.class);
    static final Duration RELOAD_INTERVAL = Duration.ofMinutes(1);

    private final RemoteJobStore store;
    private final JobRegistry registry;
    private final ObjectMapper json;
    private final Notifications notifications;
    private final Vertx vertx;
    private final Periodic periodic;
    private final JobstreamConfig config;
    private final WebhookService webhooks;
    /** The jobs file's definitions, until they are registered. */
    private volatile Map<String, RemoteJobRequest> fromFile = Map.of();
    /** The jobs of the last reload with the stored definitions they were read from. */
    private volatile Map<String, Parsed> parsed = Map.of();

    private record Parsed(String definition, RemoteJob job) {
    }

    RemoteJobs(RemoteJobStore store, JobRegistry registry, ObjectMapper json, Notifications notifications,
            Vertx vertx, JobstreamConfig config, WebhookService webhooks) {
        this.webhooks = webhooks;
        this.config = config;
        this.store = store;
        this.registry = registry;
        this.json = json;
        this.notifications = notifications;
        this.vertx = vertx;
        this.periodic = new Periodic(vertx);
    }

    /** The jobs file is checked with the rest of the configuration, before anything touches the database. */
    void check(@Observes @Priority(StartupOrder.CONFIGURATION) StartupEvent event) {
        config.workers().jobsFile().filter(f -> !f.isBlank()).map(Path::of).ifPresent(this::read);
    }

    void start(@Observes StartupEvent event) {
        notifications.listen(Channels.JOBS, name -> reload());
        periodic.every(RELOAD_INTERVAL, this::reload);
        try {
            reloaded().await().atMost(Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            LOG.errorf("Reading the jobs executed by workers failed (read again within %s): %s", RELOAD_INTERVAL,
                    e.getMessage());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        periodic.cancelAll();
    }

    /**
     * Reads the jobs file ({@code {"name": {definition}, ...}}) and checks each definition as {@code PUT
     * /v1/jobs/{name}} would: a file that cannot be read or a definition that is not valid stops the start, with the
     * reason. The jobs are then registered (created or replaced); if the database cannot be reached, again with each
     * reload until it can.
     */
    private void read(Path file) {
        String where = "JOBSTREAM_WORKERS_JOBS_FILE " + file + ": ";
        Map<String, RemoteJobRequest> definitions;
        try {
            definitions = json.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, RemoteJobRequest>>() {
            });
        } catch (IOException e) {
            throw new ConfigurationException(where + "not a JSON object of job definitions: " + e.getMessage());
        }
        definitions.forEach((name, definition) -> {
            try {
                check(name, definition);
            } catch (Refusal e) {
                throw new ConfigurationException(where + "job '" + name + "': " + e.getMessage());
            }
        });
        fromFile = Map.copyOf(definitions);
    }

    /** Registers the jobs of the file, if that is not done yet. */
    private Uni<Void> registerFile() {
        Map<String, RemoteJobRequest> pending = fromFile;
        if (pending.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Uni<Void> all = Uni.createFrom().voidItem();
        for (Map.Entry<String, RemoteJobRequest> job : pending.entrySet()) {
            all = all.flatMap(x -> store.put(job.getKey(), encode(job.getValue()), "jobs-file").replaceWithVoid());
        }
        return all.invoke(() -> {
            fromFile = Map.of();
            LOG.infof("Registered %d jobs executed by workers from the jobs file", pending.size());
        });
    }

    private void reload() {
        reloaded().subscribe().with(n -> {
        }, failure -> LOG.warnf("Reading the jobs executed by workers failed: %s", failure.getMessage()));
    }

    /** Reads the jobs and hands them to the registry; a stored definition this version cannot read is skipped. */
    public Uni<Integer> reloaded() {
        return registerFile().flatMap(x -> store.all()).map(definitions -> {
            Map<String, RemoteJob> jobs = new LinkedHashMap<>();
            definitions.forEach((name, definition) -> {
                if (registry.builtIn(name)) {
                    LOG.warnf("Job '%s' executed by workers is ignored: a job built into the service has its name",
                            name);
                    return;
                }
                Parsed known = parsed.get(name);
                if (known != null && known.definition().equals(definition)) {
                    jobs.put(name, known.job()); // unchanged: its schema stays compiled
                    return;
                }
                try {
                    jobs.put(name, json.readValue(definition, RemoteJobRequest.class).toJob(name));
                } catch (JsonProcessingException | Refusal e) {
                    LOG.errorf("Job '%s' executed by workers is ignored: its stored definition is not valid: %s",
                            name, e.getMessage());
                }
            });
            Map<String, Parsed> now = new LinkedHashMap<>();
            jobs.forEach((name, job) -> now.put(name, new Parsed(definitions.get(name), job)));
            parsed = now;
            registry.remote(jobs);
            return jobs.size();
        });
    }

    /**
     * Creates or replaces a job executed by workers; true if it was created. Invalid, or a conflict for a built-in
     * name.
     */
    public Uni<Boolean> put(String name, RemoteJobRequest request, Caller caller) {
        check(name, request);
        return webhooks.requireRegistered("webhook", request.webhook() == null ? List.of() : List.of(request.webhook()))
                .flatMap(v -> store.put(name, encode(request), caller.name())).call(created -> reloaded());
    }

    /** Invalid for a bad name or definition, a conflict for a built-in job's name. */
    private void check(String name, RemoteJobRequest request) {
        if (name == null || !name.matches("[a-z0-9][a-z0-9._-]{0,99}")) {
            throw new Invalid("A job's name must be 1-100 lower-case letters, digits or ._-, a letter or"
                    + " digit first");
        }
        if (registry.builtIn(name)) {
            throw new Conflict("Job '" + name + "' is built into the service: its name cannot be taken"
                    + " by a job executed by workers");
        }
        if (request == null) {
            throw new Invalid("A body is required: the job's definition");
        }
        request.toJob(name);
    }

    private String encode(RemoteJobRequest request) {
        try {
            return json.writeValueAsString(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Deletes a job executed by workers: not found if there is none, a conflict while it has active runs. */
    public Uni<Void> delete(String name) {
        if (name == null || !name.matches("[a-z0-9][a-z0-9._-]{0,99}")) {
            throw new NotFound("No such job executed by workers");
        }
        if (registry.builtIn(name)) {
            throw new Conflict("Job '" + name + "' is built into the service: it cannot be deleted");
        }
        return store.delete(name).call(deleted -> reloaded()).map(deleted -> {
            if (deleted == RemoteJobStore.Deleted.NOT_FOUND) {
                throw new NotFound("No job '" + name + "' executed by workers");
            }
            if (deleted == RemoteJobStore.Deleted.ACTIVE) {
                throw new Conflict("Job '" + name + "' has active runs (queued, running or paused):"
                        + " cancel them, or let them end, before deleting it");
            }
            return null;
        });
    }
}
