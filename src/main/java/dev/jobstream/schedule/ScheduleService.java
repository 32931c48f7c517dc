package dev.jobstream.schedule;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.jobstream.auth.Caller;
import dev.jobstream.concurrent.Coalescer;
import dev.jobstream.config.JobstreamConfig;
import dev.jobstream.refusal.Conflict;
import dev.jobstream.refusal.Forbidden;
import dev.jobstream.refusal.Invalid;
import dev.jobstream.refusal.NotFound;
import dev.jobstream.refusal.Refusal;
import dev.jobstream.run.NewRun;
import dev.jobstream.run.service.RunService;
import dev.jobstream.spi.JobHandler;
import dev.jobstream.spi.Workspaces;
import dev.jobstream.webhook.WebhookService;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Schedules: the API's reads and changes, and the ticker that fires them. Every replica polls for due ticks; a tick
 * is fired by one transaction on one replica — its schedule moved on (guarded by the tick, rows another replica holds
 * skipped) and its run inserted, or recorded {@code skipped} when its exclusive slot is taken — so each tick fires
 * exactly once across replicas. After all replicas were down, the missed ticks of a schedule fire once, as its
 * earliest missed tick; its next tick is then the first one after now.
 */
@Singleton
public class ScheduleService {

    private static final Logger LOG = Logger.getLogger(ScheduleService.class);
    /** Most schedules one replica lists, and fires in one transaction. */
    public static final int MAX_LIST = 500;
    static final int MAX_FIRED = 100;

    private final ScheduleStore store;
    private final RunService runs;
    private final Pool pool;
    private final Vertx vertx;
    private final JobstreamConfig config;
    private final Clock clock;
    private final WebhookService webhooks;
    private final Coalescer ticker = Coalescer.of(this::fireDue).build();
    private long pollTimer = -1;

    ScheduleService(ScheduleStore store, RunService runs, Pool pool, Vertx vertx, JobstreamConfig config,
            WebhookService webhooks) {
        this.webhooks = webhooks;
        this.store = store;
        this.runs = runs;
        this.pool = pool;
        this.vertx = vertx;
        this.config = config;
        this.clock = Clock.systemUTC();
    }

    void start(@Observes StartupEvent event) {
        declareCodeSchedules().subscribe().with(v -> {
            pollTimer = vertx.setPeriodic(config.schedules().pollInterval().toMillis(), id -> ticker.request());
            ticker.request();
        }, failure -> LOG.errorf("Declaring the jobs' schedules failed (they fire once it succeeds): %s",
                failure.getMessage()));
    }

    void stop(@Observes ShutdownEvent event) {
        ticker.stop();
        vertx.cancelTimer(pollTimer);
    }

    /** The schedules jobs declare in code, created or brought up to date. */
    private Uni<Void> declareCodeSchedules() {
        Uni<Void> all = Uni.createFrom().voidItem();
        for (JobHandler job : runs.jobs()) {
            Optional<String> cron = job.schedule();
            if (cron.isEmpty() || job.internal()) {
                continue;
            }
            Cron parsed = Cron.parse(cron.get(), "UTC");
            UUID workspace = job.system() ? Workspaces.SYSTEM : Workspaces.GLOBAL;
            all = all.flatMap(v -> store.upsertCode(job.name(), workspace, parsed.expression(),
                    parsed.next(clock.instant())));
        }
        return all;
    }

    // ---- the ticker ----

    /** Fires the due ticks this replica can take; more at once when it fired as many as it may in one go. */
    private Uni<Boolean> fireDue() {
        // read at each poll: jobs executed by workers come and go while the replica runs
        return store.due(runs.publicJobNames(), MAX_FIRED).flatMap(due -> {
            if (due.isEmpty()) {
                return Uni.createFrom().item(false);
            }
            Instant now = clock.instant();
            List<UUID> ids = new ArrayList<>();
            List<Instant> ticks = new ArrayList<>();
            List<Instant> next = new ArrayList<>();
            List<UUID> runIds = new ArrayList<>();
            Map<UUID, NewRun> tickRuns = new java.util.HashMap<>();
            for (Schedule schedule : due) {
                NewRun run = tickRun(schedule);
                ids.add(schedule.id());
                ticks.add(schedule.nextFireAt());
                next.add(nextTick(schedule, now));
                runIds.add(run == null ? null : run.id());
                if (run != null) {
                    tickRuns.put(schedule.id(), run);
                }
            }
            return pool.withTransaction(connection -> store.advance(connection, ids, ticks, next, runIds)
                    .flatMap(fired -> {
                        List<NewRun> toInsert = new ArrayList<>();
                        List<Instant> firedTicks = new ArrayList<>();
                        for (ScheduleStore.Fired tick : fired) {
                            NewRun run = tickRuns.get(tick.scheduleId());
                            if (run != null) {
                                toInsert.add(run);
                                firedTicks.add(tick.tick());
                            }
                        }
                        return toInsert.isEmpty()
                                ? Uni.createFrom().item(Map.of())
                                : runs.insertTicks(connection, toInsert, firedTicks);
                    })).map(inserted -> {
                        if (!inserted.isEmpty()) {
                            LOG.debugf("Fired %d schedule ticks: %s", inserted.size(), inserted);
                        }
                        return due.size() == MAX_FIRED;
                    });
        }).onFailure().recoverWithItem(failure -> {
            LOG.warnf("Firing due schedules failed (tried again on the next poll): %s", failure.getMessage());
            return false;
        });
    }

    /** The run a tick of {@code schedule} makes; null (the tick passes without a run) if its job no longer takes it. */
    private NewRun tickRun(Schedule schedule) {
        try {
            JobHandler job = runs.job(schedule.job());
            return runs.tickRun(job, schedule.id(), schedule.workspaceId(), schedule.params(), schedule.priority(),
                    schedule.nextFireAt(), schedule.webhook());
        } catch (Refusal e) {
            LOG.warnf("Schedule %s of %s: its tick of %s makes no run: %s", schedule.id(), schedule.job(),
                    schedule.nextFireAt(), e.getMessage());
            return null;
        }
    }

    /**
     * The tick after the one being fired: the first after {@code now}, so that ticks missed while no replica was up
     * fire once, not once each.
     */
    static Instant nextTick(Schedule schedule, Instant now) {
        Cron cron = Cron.parse(schedule.cron(), schedule.timeZone());
        Instant after = schedule.nextFireAt().isAfter(now) ? schedule.nextFireAt() : now;
        Instant next = cron.next(after);
        return next != null ? next : Instant.parse("9999-12-31T00:00:00Z");
    }

    // ---- the API ----

    /**
     * A new schedule of a caller; invalid input naming the field, forbidden or not found as for a trigger of its job.
     */
    public Uni<Schedule> create(ScheduleRequest request, Caller caller) {
        if (request.job() == null) {
            throw new Invalid("'job' is required");
        }
        JobHandler job = runs.job(request.job());
        UUID workspace = RunService.workspace(job, request.workspaceId(), caller);
        checkVisible(workspace, caller);
        if (request.cron() == null) {
            throw new Invalid("'cron' is required");
        }
        Cron cron = cron(request.cron(), request.timeZone());
        JsonObject params = new JsonObject(request.params() == null ? Map.of() : request.params());
        runs.params(job, params.getMap());
        int priority = RunService.priority(job, request.priority());
        String webhook = request.webhook() == null ? null : WebhookService.name("webhook", request.webhook());
        return webhooks.requireRegistered("webhook", webhook == null ? List.of() : List.of(webhook))
                .flatMap(v -> store.insert(UUID.randomUUID(), job.name(), workspace, cron.expression(),
                        cron.zone().getId(), params, priority, !Boolean.FALSE.equals(request.enabled()),
                        firstTick(cron), caller.name(), webhook));
    }

    public Uni<List<Schedule>> list(String job, UUID workspace, Caller caller, int limit) {
        return store.list(job, workspace, caller.scoped() ? caller.workspaces() : null, limit)
                .flatMap(this::withLastRunStatuses);
    }

    public Uni<Schedule> get(UUID id, Caller caller) {
        return store.find(id).map(found -> found.filter(s -> caller.sees(s.workspaceId()))
                .orElseThrow(() -> new NotFound("Schedule " + id + " not found")))
                .flatMap(schedule -> withLastRunStatuses(List.of(schedule))).map(one -> one.get(0));
    }

    /** The schedules with the display status of their last runs, read in one statement. */
    private Uni<List<Schedule>> withLastRunStatuses(List<Schedule> schedules) {
        List<UUID> last = schedules.stream().map(Schedule::lastRunId).filter(java.util.Objects::nonNull).toList();
        if (last.isEmpty()) {
            return Uni.createFrom().item(schedules);
        }
        return runs.displayStatuses(last).map(statuses -> schedules.stream()
                .map(s -> s.lastRunId() == null ? s : s.withLastRunStatus(statuses.get(s.lastRunId()))).toList());
    }

    /**
     * Changes what {@code patch} gives; a schedule declared in code may only be enabled or disabled. A new cron or
     * zone, or enabling, sets the next tick from now (ticks missed while disabled do not fire).
     */
    public Uni<Schedule> patch(UUID id, SchedulePatch patch, Caller caller) {
        return patch(id, patch, caller, PATCH_ATTEMPTS);
    }

    /** How often a PATCH reads the schedule again when it changed between its read and its write. */
    static final int PATCH_ATTEMPTS = 5;

    /**
     * One attempt: the PATCH is applied to the schedule as read, and written only over that version; when something
     * else wrote it meanwhile (a tick, another PATCH), it is read again and the PATCH applied to what is there now.
     */
    private Uni<Schedule> patch(UUID id, SchedulePatch patch, Caller caller, int attempts) {
        return get(id, caller).flatMap(schedule -> {
            boolean changesDefinition = patch.cron() != null || patch.timeZone() != null || patch.params() != null
                    || patch.priority() != null || patch.webhook() != null;
            if ("code".equals(schedule.source()) && changesDefinition) {
                throw new Invalid("Schedule " + id + " is declared by job '" + schedule.job()
                        + "' in code: only 'enabled' can be changed");
            }
            JobHandler job = runs.job(schedule.job());
            Cron cron = cron(patch.cron() != null ? patch.cron() : schedule.cron(),
                    patch.timeZone() != null ? patch.timeZone() : schedule.timeZone());
            JsonObject params = new JsonObject(patch.params() != null ? patch.params() : schedule.params());
            runs.params(job, params.getMap());
            int priority = patch.priority() != null ? RunService.priority(job, patch.priority()) : schedule.priority();
            boolean enabled = patch.enabled() != null ? patch.enabled() : schedule.enabled();
            boolean retime = patch.cron() != null || patch.timeZone() != null || (enabled && !schedule.enabled());
            Instant next = retime ? firstTick(cron) : schedule.nextFireAt();
            String webhook = patch.webhook() == null
                    ? schedule.webhook()
                    : patch.webhook().isEmpty() ? null : WebhookService.name("webhook", patch.webhook());
            boolean newWebhook = webhook != null && !webhook.equals(schedule.webhook());
            return webhooks.requireRegistered("webhook", newWebhook ? List.of(webhook) : List.of())
                    .flatMap(v -> store.update(id, cron.expression(), cron.zone().getId(), params, priority, enabled,
                            next, schedule.version(), webhook))
                    .flatMap(updated -> {
                        if (updated.isPresent()) {
                            return Uni.createFrom().item(updated.get());
                        }
                        if (attempts <= 1) {
                            return Uni.createFrom().failure(new Conflict("Schedule " + id
                                    + " kept changing while it was being changed; send the PATCH again"));
                        }
                        return patch(id, patch, caller, attempts - 1); // not found there if it was deleted meanwhile
                    });
        });
    }

    public Uni<Void> delete(UUID id, Caller caller) {
        return get(id, caller).flatMap(schedule -> {
            if ("code".equals(schedule.source())) {
                throw new Conflict("Schedule " + id + " is declared by job '" + schedule.job()
                        + "' in code and comes back on start-up: disable it instead (PATCH enabled=false)");
            }
            return store.delete(id).replaceWithVoid();
        });
    }

    /** The next fire times of a cron in a zone, for a schedule being written; invalid naming the bad field. */
    public Preview preview(String cron, String zone) {
        Cron parsed = cron(cron, zone);
        return new Preview(parsed.expression(), parsed.zone().getId(),
                parsed.next(clock.instant(), Schedule.SHOWN_FIRE_TIMES));
    }

    /** What {@code GET /v1/schedules/preview} answers. */
    public record Preview(String cron, String timeZone, List<Instant> nextFireTimes) {
    }

    /** The first tick of a cron that {@link #cron} accepted (it fires again). */
    private Instant firstTick(Cron cron) {
        return cron.next(clock.instant());
    }

    /** The cron and zone parsed; invalid naming the field if either is bad, or if the cron never fires. */
    private Cron cron(String cron, String zone) {
        try {
            Cron parsed = Cron.parse(cron, zone);
            if (parsed.next(clock.instant()) == null) {
                throw new IllegalArgumentException("'cron' " + cron + " never fires");
            }
            return parsed;
        } catch (IllegalArgumentException e) {
            throw new Invalid(e.getMessage());
        }
    }

    private static void checkVisible(UUID workspace, Caller caller) {
        if (!caller.sees(workspace)) {
            throw new Forbidden("Token '" + caller.name()
                    + "' may not add schedules in workspace " + workspace);
        }
    }
}
