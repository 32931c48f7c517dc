package dev.jobstream.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.jobstream.attempt.AttemptEnd;
import dev.jobstream.attempt.AttemptSpans;
import dev.jobstream.attempt.Storable;
import dev.jobstream.auth.Caller;
import dev.jobstream.concurrent.MicroBatcher;
import dev.jobstream.concurrent.Overloaded;
import dev.jobstream.concurrent.Periodic;
import dev.jobstream.concurrent.Permits;
import dev.jobstream.config.JobstreamConfig;
import dev.jobstream.pg.Channels;
import dev.jobstream.pg.Notifications;
import dev.jobstream.refusal.Conflict;
import dev.jobstream.refusal.Fields;
import dev.jobstream.refusal.Forbidden;
import dev.jobstream.refusal.Invalid;
import dev.jobstream.refusal.NotFound;
import dev.jobstream.refusal.Refusal;
import dev.jobstream.refusal.Unavailable;
import dev.jobstream.replica.ReplicaService;
import dev.jobstream.replica.ReplicaStore;
import dev.jobstream.run.ClaimLimits;
import dev.jobstream.run.Control;
import dev.jobstream.run.RemoteJob;
import dev.jobstream.run.Run;
import dev.jobstream.run.RunFlush;
import dev.jobstream.run.RunStatus;
import dev.jobstream.run.service.FlowService;
import dev.jobstream.run.service.JobRegistry;
import dev.jobstream.run.store.RunStore;
import dev.jobstream.spi.Dependency;
import dev.jobstream.spi.JobHandler;
import dev.jobstream.spi.RetryPolicy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The service side of workers outside the service: they claim runs of the jobs they execute (a long poll woken by
 * the same notifications as the engines' dispatchers), report on the runs they hold under a lease, and end their
 * attempts. A worker's run is stored, streamed, controlled and swept as an engine's is: the same statements write it,
 * with the worker as the run's owner and the attempt as the fence, and a lease that is not renewed ages like an
 * engine's heartbeat until the sweeper takes the run back.
 */
@Singleton
public class WorkerService {

    private static final Logger LOG = Logger.getLogger(WorkerService.class);
    static final int MAX_CLAIM = 100;
    static final int MAX_WAIT_SECONDS = 60;
    static final int DEFAULT_WAIT_SECONDS = 30;
    static final int MAX_JOBS = 50;
    /** Most events in one report. */
    static final int MAX_EVENTS = 100;
    /** Claims made for workers at once on one replica; the others wait their turn, holding no connection. */
    static final int CONCURRENT_CLAIMS = 4;

    /** How a worker ends its attempt. */
    public enum Outcome {
        COMPLETE, FAIL, SNOOZE, WAIT, CANCELLED
    }

    private final RunStore runs;
    private final JobRegistry jobs;
    private final Notifications notifications;
    private final JobstreamConfig config;
    private final Vertx vertx;
    private final Periodic periodic;
    private final ReplicaService replicas;
    private final Duration lease;
    private final MicroBatcher<Ending, Boolean> endings = new MicroBatcher<>(1000, 100_000, this::storeEndings);
    /** The long polls open on this replica: their workers are in touch. */
    private final Set<Poll> polling = ConcurrentHashMap.newKeySet();
    /** The long polls waiting for runs to be queued. */
    private final Polls waiting = new Polls();
    /**
     * The claims made for workers at once on this replica: each holds a pooled connection (and a claim of a job with a
     * cluster-wide limit waits for that job's lock on it), so no number of polls can take the pool from the engines'
     * flushes and heartbeats, or from the API.
     */
    private final Permits claiming = new Permits(CONCURRENT_CLAIMS);
    private final Counter claims;
    private final AttemptSpans spans;

    private final FlowService flows;

    WorkerService(RunStore runs, JobRegistry jobs, Notifications notifications, JobstreamConfig config, Vertx vertx,
            ReplicaService replicas, MeterRegistry metrics, AttemptSpans spans, FlowService flows) {
        this.flows = flows;
        this.spans = spans;
        this.runs = runs;
        this.replicas = replicas;
        this.jobs = jobs;
        this.notifications = notifications;
        this.config = config;
        this.vertx = vertx;
        this.periodic = new Periodic(vertx);
        this.lease = AttemptEnd.lease(config.staleAfter());
        this.claims = Counter.builder("jobstream.workers.claims")
                .description("Claims made for workers' long polls on this replica (one or two statements each)")
                .register(metrics);
    }

    void start(@Observes StartupEvent event) {
        // the payload names the jobs of the runs queued (empty: not said)
        notifications.listen(Channels.QUEUED, payload -> waiting.wake(payload == null || payload.isEmpty()
                ? null
                : List.of(payload.split(","))));
        // as the dispatchers do: a safety net for a notification lost, and for a limited job's place freed elsewhere
        periodic.every(config.dispatch().pollInterval(), () -> waiting.wake(null));
        // a worker waiting in a long poll is in touch: the registry shows it up
        periodic.every(config.heartbeatInterval(), () -> {
            List<ReplicaStore.Contact> present = polling.stream().filter(poll -> !poll.gone().isDone())
                    .map(Poll::contact).distinct().toList();
            if (!present.isEmpty()) {
                replicas.contact(present).subscribe().with(x -> {
                });
            }
        });
    }

    void stop(@Observes ShutdownEvent event) {
        periodic.cancelAll();
    }

    /** Records that the worker of this lease was in touch (a report, an end). */
    private Uni<Void> contact(Caller caller, Lease held) {
        return replicas.contact(List.of(new ReplicaStore.Contact(held.owner(caller.name()), caller.name(),
                held.worker(), List.of())));
    }

    /** How many long polls are open on this replica for workers still connected. */
    public int waiting() {
        return (int) polling.stream().filter(poll -> !poll.gone().isDone()).count();
    }

    /** How many claims were made for long polls on this replica since it started. */
    public long claims() {
        return (long) claims.count();
    }

    // ---- claim ----

    /**
     * Claims up to {@code max} due runs of the jobs asked for, within the caller's workspaces; when none is due,
     * waits up to {@code wait} seconds for one. A worker that goes away (its connection closes, which cancels the
     * answer) claims nothing more: runs claimed for it after that — by a claim in flight when it left — go back to the
     * queue at once, as the same attempt.
     */
    public Uni<List<ClaimedRun>> claim(Caller caller, ClaimRequest request) {
        if (request == null) {
            throw new Invalid("A body is required: {\"worker\", \"jobs\", \"max\", \"wait\"}");
        }
        if (request.worker() == null || !request.worker().matches(Lease.WORKER_ID)) {
            throw new Invalid("'worker' must be 1-100 letters, digits or ._:@- (say, host and pid)");
        }
        if (request.jobs() == null || request.jobs().isEmpty() || request.jobs().size() > MAX_JOBS) {
            throw new Invalid("'jobs' must name 1 to " + MAX_JOBS + " jobs executed by workers");
        }
        int max = request.max() == null ? 1 : request.max();
        if (max < 1 || max > MAX_CLAIM) {
            throw new Invalid("'max' must be 1 to " + MAX_CLAIM);
        }
        int wait = request.waitSeconds() == null ? DEFAULT_WAIT_SECONDS : request.waitSeconds();
        if (wait < 0 || wait > MAX_WAIT_SECONDS) {
            throw new Invalid("'wait' must be 0 to " + MAX_WAIT_SECONDS + " seconds");
        }
        List<RemoteJob> served = new ArrayList<>();
        for (String name : new LinkedHashSet<>(request.jobs())) {
            if (name == null) {
                throw new Invalid("'jobs' must name jobs executed by workers");
            }
            RemoteJob job = jobs.remote(name).orElseThrow(() -> new Invalid("Job '" + name
                    + "' is not executed by workers" + (jobs.builtIn(name) ? " (the service runs it)" : "")));
            if (!caller.serves(name)) {
                throw new Forbidden("Token '" + caller.name() + "' may not claim runs of job '"
                        + name + "'");
            }
            served.add(job);
        }
        String owner = Lease.owner(caller.name(), request.worker());
        long deadline = System.nanoTime() + Duration.ofSeconds(wait).toNanos();
        Polls.Group group = new Polls.Group(served.stream().map(JobHandler::name).collect(
                java.util.stream.Collectors.toUnmodifiableSet()), caller.workspaces());
        Poll poll = new Poll(owner, caller.name(), request.worker(), max, served, caller.workspaces(), group,
                deadline, new CompletableFuture<>());
        // the poll goes on by itself: what a claim in flight took when the worker left is given back, not dropped
        CompletableFuture<List<ClaimedRun>> answer = new CompletableFuture<>();
        polling.add(poll);
        replicas.contact(List.of(poll.contact())).flatMap(x -> look(poll)).subscribe().with(claimed -> {
            polling.remove(poll);
            if (!answer.complete(claimed) && !claimed.isEmpty()) {
                unclaim(poll, claimed).subscribe().with(n -> {
                });
            }
        }, failure -> {
            polling.remove(poll);
            answer.completeExceptionally(failure);
        });
        return Uni.createFrom().completionStage(answer).onCancellation().invoke(() -> {
            poll.gone().complete(null);
            answer.cancel(false);
        });
    }

    private record Poll(String owner, String token, String worker, int max, List<RemoteJob> jobs,
            Set<UUID> workspaces, Polls.Group group, long deadline, CompletableFuture<Void> gone) {

        ReplicaStore.Contact contact() {
            return new ReplicaStore.Contact(owner, token, worker, jobs.stream().map(JobHandler::name).toList());
        }
    }

    /**
     * One look: the poll waits to be woken before it claims, so that runs queued while the claim runs wake it again;
     * when the claim took nothing, it waits for a wake, the deadline or its worker's leaving, and looks again. A claim
     * that took all it asked for wakes the next poll of its group.
     */
    private Uni<List<ClaimedRun>> look(Poll poll) {
        CompletableFuture<Void> woken = waiting.park(poll.group());
        return claimOnce(poll).flatMap(claimed -> {
            long left = poll.deadline() - System.nanoTime();
            if (claimed.size() == poll.max()) {
                waiting.wakeNext(poll.group());
            }
            if (!claimed.isEmpty() || left <= 0 || poll.gone().isDone()) {
                waiting.leave(poll.group(), woken, false);
                return Uni.createFrom().item(claimed);
            }
            return Uni.createFrom().completionStage(CompletableFuture.anyOf(woken, poll.gone()))
                    .ifNoItem().after(Duration.ofNanos(left)).recoverWithItem((Object) null)
                    .flatMap(x -> {
                        boolean over = poll.gone().isDone() || System.nanoTime() >= poll.deadline();
                        waiting.leave(poll.group(), woken, !over);
                        return over ? Uni.createFrom().item(List.<ClaimedRun>of()) : look(poll);
                    });
        });
    }

    /**
     * Claims what is due (holding one of the replica's few claiming places; the claim is each run's start), and gives
     * the runs back if the worker went away meanwhile.
     */
    private Uni<List<ClaimedRun>> claimOnce(Poll poll) {
        if (poll.gone().isDone()) {
            return Uni.createFrom().item(List.of());
        }
        return claiming.run(() -> claimDue(poll)).flatMap(taken -> {
            Instant expires = Instant.now().plus(lease);
            return dependencies(taken).flatMap(dependencies -> {
                List<ClaimedRun> claimed = taken.stream()
                        .map(run -> new ClaimedRun(run.id(), run.job(), run.workspaceId(), run.params(),
                                run.dryRun(), run.attempt(), run.maxAttempts(), run.correlationId(),
                                run.traceparent(), run.timeoutMs(),
                                new ClaimedRun.LeaseView(new Lease(run.attempt(), poll.worker()).token(), expires),
                                run.parentId(), dependencies.getOrDefault(run.id(), List.of())))
                        .toList();
                return !claimed.isEmpty() && poll.gone().isDone()
                        ? unclaim(poll, claimed).map(n -> List.<ClaimedRun>of())
                        : Uni.createFrom().item(claimed);
            });
        });
    }

    /** What the claimed runs that waited for others waited for (one read each; none for a run in no flow). */
    private Uni<Map<UUID, List<Dependency>>> dependencies(List<Run> taken) {
        Map<UUID, List<Dependency>> found = new java.util.concurrent.ConcurrentHashMap<>();
        List<Uni<Void>> reads = taken.stream().filter(Run::hasDependencies)
                .map(run -> flows.dependencies(run.id()).invoke(all -> found.put(run.id(), all)).replaceWithVoid())
                .toList();
        return reads.isEmpty() ? Uni.createFrom().item(found) : Uni.join().all(reads).andFailFast().replaceWith(found);
    }

    /**
     * Triggers a child of the run the caller holds ({@code request}'s lease): a run of a job the caller's token
     * names (forbidden otherwise), in the run's workspace, idempotent per (run, job, key). Answers the child's id; a
     * conflict when the lease no longer holds the run.
     */
    public Uni<UUID> child(Caller caller, UUID runId, ChildRequest request) {
        if (request == null) {
            throw new Invalid("A body is required: {\"lease\", \"job\", \"params\", \"key\"}");
        }
        Lease held = Lease.parse(request.lease());
        String owner = held.owner(caller.name());
        if (request.job() != null && !caller.serves(request.job())) {
            throw new Forbidden("Token '" + caller.name() + "' may not trigger runs of job '" + request.job()
                    + "': a worker triggers children of the jobs its token names");
        }
        return contact(caller, held).flatMap(x -> visible(caller, runId)).flatMap(run -> {
            if (!holds(run, owner, held.attempt())) {
                return lost(caller, runId, held);
            }
            return flows.triggerChild(run, owner, request.job(), request.params(), request.key())
                    .flatMap(child -> child.isPresent()
                            ? Uni.createFrom().item(child.get())
                            : lost(caller, runId, held));
        });
    }

    /** The claim statements: the jobs without a cluster-wide limit at once, then each limited job within its limit. */
    private Uni<List<Run>> claimDue(Poll poll) {
        claims.increment();
        String[] unlimited = poll.jobs().stream().filter(j -> ClaimLimits.of(j).isEmpty()).map(JobHandler::name)
                .toArray(String[]::new);
        Uni<List<Run>> claimed = unlimited.length == 0
                ? Uni.createFrom().item(List.of())
                : runs.claim(poll.owner(), poll.max(), unlimited, poll.workspaces());
        for (RemoteJob job : poll.jobs()) {
            Optional<ClaimLimits> limits = ClaimLimits.of(job);
            if (limits.isPresent()) {
                claimed = claimed.flatMap(taken -> taken.size() >= poll.max()
                        ? Uni.createFrom().item(taken)
                        : runs.claimLimited(poll.owner(), poll.max() - taken.size(), job.name(), limits.get(),
                                poll.workspaces(), null).map(more -> {
                                    List<Run> all = new ArrayList<>(taken);
                                    all.addAll(more);
                                    return all;
                                }));
            }
        }
        return claimed;
    }

    /**
     * Runs claimed for a worker that went away before it heard of them: back in the queue as the same attempt, which
     * keeps its start event.
     */
    private Uni<Integer> unclaim(Poll poll, List<ClaimedRun> claimed) {
        return runs.unclaim(claimed.stream().map(ClaimedRun::runId).toList(),
                claimed.stream().map(ClaimedRun::attempt).toList(), poll.owner()).invoke(
                        n -> LOG.debugf(
                                "%d runs claimed for %s, which went away before the answer: back in the queue", n,
                                poll.owner()));
    }

    // ---- report ----

    /** Stores a report on a run the caller holds and renews its lease; a conflict when the lease is no longer the
     * run's. */
    public Uni<ReportAnswer> report(Caller caller, UUID runId, ReportRequest request) {
        if (request == null) {
            throw new Invalid("A body is required: {\"lease\", \"seq\", \"events\", \"state\"}");
        }
        Lease held = Lease.parse(request.lease());
        if (request.seq() == null || request.seq() < 1) {
            throw new Invalid("'seq' must number the report within the claim, from 1");
        }
        List<ReportRequest.Event> events = request.events() == null ? List.of() : request.events();
        if (events.size() > MAX_EVENTS) {
            throw new Invalid("'events' may hold at most " + MAX_EVENTS + " events; send more reports");
        }
        RunStatus state = null;
        if (request.state() != null) {
            state = switch (request.state()) {
                case "paused" -> RunStatus.PAUSED;
                case "running" -> RunStatus.RUNNING;
                default -> throw new Invalid("'state' must be paused or running");
            };
        }
        List<RunFlush.Event> stored = new ArrayList<>(events.size());
        JsonArray errorLog = new JsonArray();
        Long processed = null;
        Long total = null;
        String now = Instant.now().toString();
        for (int i = 0; i < events.size(); i++) {
            ReportRequest.Event event = events.get(i);
            String where = "events[" + i + "]";
            if (event == null || event.type() == null) {
                throw new Invalid(where + ": 'type' must be log, progress or error");
            }
            switch (event.type()) {
                case "log" -> stored.add(new RunFlush.Event(0, "log", new JsonObject()
                        .put("level", Storable.level(event.level()))
                        .put("message", Storable.text(String.valueOf(event.message()), Storable.MAX_MESSAGE))
                        .put("ts", now).encode()));
                case "progress" -> {
                    if (event.processed() == null) {
                        throw new Invalid(where + ": 'processed' is required");
                    }
                    processed = Storable.count(event.processed());
                    total = Storable.total(event.total());
                    stored.add(new RunFlush.Event(0, "progress_json", new JsonObject().put("processed", processed)
                            .put("total", total)
                            .put("percent", total == null || total == 0 ? null : Math.min(100, processed * 100 / total))
                            .put("ts", now).encode()));
                }
                case "error" -> {
                    String item = Storable.text(String.valueOf(event.item()), Storable.MAX_ERROR_LOG_TEXT);
                    String message = Storable.text(String.valueOf(event.message()), Storable.MAX_ERROR_LOG_TEXT);
                    errorLog.add(new JsonObject().put("item", item).put("message", message).put("ts", now));
                    stored.add(new RunFlush.Event(0, "log", new JsonObject().put("level", "error")
                            .put("message", item + ": " + message).put("item", item).put("ts", now).encode()));
                }
                default -> throw new Invalid(where + ": 'type' must be log, progress or error");
            }
        }
        String owner = held.owner(caller.name());
        Uni<Optional<RunStore.Reported>> report = runs.report(runId, owner, held.attempt(), request.seq(), stored,
                processed, total, errorLog.isEmpty() ? null : errorLog.encode(), state, config.events().maxPerRun());
        return contact(caller, held)
                .flatMap(x -> report.flatMap(reported -> {
                    if (reported.isPresent()) {
                        RunStore.Reported r = reported.get();
                        String control = r.control() == null && r.timedOut() ? "timeout" : r.control();
                        return Uni.createFrom()
                                .item(new ReportAnswer(leaseView(held, r.status()), r.status().value(),
                                        control, r.stored()));
                    }
                    return lost(caller, runId, held);
                }));
    }

    /** The lease's new expiry: a paused run's lasts the pause hold, as an engine keeps a paused run that long. */
    private ClaimedRun.LeaseView leaseView(Lease held, RunStatus status) {
        Duration length = status == RunStatus.PAUSED ? config.engines().pauseHold() : lease;
        return new ClaimedRun.LeaseView(held.token(), Instant.now().plus(length));
    }

    // ---- overdue attempts ----

    /** What one look for overdue attempts did: attempts ended by their timeout, paused runs parked. */
    public record Overdue(int timedOut, int parked) {
    }

    /**
     * Ends what workers hold too long, as an engine would at {@code at} (null: now): an attempt running past its
     * timeout and the grace after it fails with {@code timeout} (and is retried as the job's policy says); a run
     * paused without a report for the pause hold is parked (paused, no owner; resume queues it as its next attempt).
     * A worker may stop at its timeout itself: its reports carry the control {@code timeout} from then on.
     */
    public Uni<Overdue> overdue(Instant at) {
        return runs.overdueWorkerRuns(at, config.engines().timeoutGrace(), config.engines().pauseHold(), MAX_CLAIM)
                .onItem().transformToMulti(overdue -> Multi.createFrom().iterable(overdue))
                .onItem().transformToUniAndConcatenate(run -> run.status() == RunStatus.PAUSED
                        ? runs.interrupt(run.owner(), List.of(run.id()), List.of(run.attempt()), "pause_hold")
                                .map(parked -> parked.isEmpty() ? 0 : 2)
                        : timeOut(run))
                .collect().asList().map(done -> {
                    int timedOut = (int) done.stream().filter(d -> d == 1).count();
                    int parked = (int) done.stream().filter(d -> d == 2).count();
                    if (timedOut > 0) {
                        LOG.infof("%d workers' attempts ran past their timeout: ended", timedOut);
                        waiting.wake(null);
                    }
                    return new Overdue(timedOut, parked);
                });
    }

    /** Ends a worker's attempt past its timeout and grace: 1 if its end was stored, 0 if the run moved on. */
    private Uni<Integer> timeOut(Run run) {
        RunFlush flush = flush(run, AttemptEnd.failed("Timed out after " + run.timeoutMs()
                + " ms: the worker did not end its attempt within " + config.engines().timeoutGrace().toMillis()
                + " ms of it", "timeout", true));
        return runs.flushAfterLast(run.owner(), List.of(flush)).map(written -> {
            if (!written.contains(run.id())) {
                return 0;
            }
            spans.worker(run, run.owner(), flush.end());
            return 1;
        });
    }

    // ---- end ----

    /**
     * Ends the attempt the caller holds: completed, failed (retried as the job's policy says, unless not retryable),
     * snoozed, or cancelled as asked. Sending it again after a lost reply answers the run as that end left it.
     */
    public Uni<Run> end(Caller caller, UUID runId, Outcome outcome, EndRequest request) {
        if (request == null) {
            throw new Invalid("A body is required: {\"lease\", …}");
        }
        Lease held = Lease.parse(request.lease());
        AttemptEnd end = end(outcome, request);
        String owner = held.owner(caller.name());
        return contact(caller, held).flatMap(x -> visible(caller, runId)).flatMap(run -> {
            if (!holds(run, owner, held.attempt())) {
                return ended(run, owner, held.attempt(), outcome)
                        ? Uni.createFrom().item(run)
                        : lost(caller, runId, held);
            }
            if (outcome == Outcome.CANCELLED && !CANCEL.equals(run.controlRequested())) {
                throw new Conflict("No cancel was asked of run " + runId + ": end it with complete or fail");
            }
            if (outcome == Outcome.WAIT && cancelled(run, outcome) == outcome) {
                // what the run waits for is recorded under the lease before its wait is stored, and settled after
                List<UUID> waits = children(request);
                return flows.waitFor(runId, owner, held.attempt(), waits).flatMap(recorded -> recorded
                        ? store(caller, run, owner, held, end, outcome, true)
                                .call(after -> flows.settle(List.of(runId)))
                        : lost(caller, runId, held));
            }
            return store(caller, run, owner, held, end, cancelled(run, outcome), true);
        });
    }

    /**
     * The outcome an end stands for: a failure or a snooze of a run that was asked to cancel ends it cancelled, as the
     * cancel promised (it must not come back as another attempt).
     */
    private static Outcome cancelled(Run run, Outcome outcome) {
        return (outcome == Outcome.FAIL || outcome == Outcome.SNOOZE || outcome == Outcome.WAIT)
                && CANCEL.equals(run.controlRequested())
                        ? Outcome.CANCELLED
                        : outcome;
    }

    /**
     * Stores the end; when it was not written because a cancel was asked meanwhile ({@code again}: once), it is
     * stored as the cancelled end it now stands for.
     */
    private Uni<Run> store(Caller caller, Run run, String owner, Lease held, AttemptEnd end, Outcome outcome,
            boolean again) {
        RunFlush flush = flush(run, end);
        return endings.submit(new Ending(owner, flush))
                .onFailure(Overloaded.class).transform(e -> new Unavailable(
                        "Too many ends wait to be stored; send it again in a second (it is stored once)",
                        Duration.ofSeconds(1)))
                .flatMap(written -> {
                    if (outcome != Outcome.SNOOZE && outcome != Outcome.WAIT) {
                        freed(run.job());
                    }
                    if (written) {
                        spans.worker(run, owner, flush.end());
                    }
                    return visible(caller, run.id()).flatMap(after -> {
                        if (written || ended(after, owner, held.attempt(), outcome)) {
                            return Uni.createFrom().item(after);
                        }
                        if (again && holds(after, owner, held.attempt()) && cancelled(after, outcome) != outcome) {
                            return store(caller, after, owner, held, end, Outcome.CANCELLED, false);
                        }
                        return lost(caller, run.id(), held);
                    });
                });
    }

    /** The control request that ends a run cancelled. */
    private static final String CANCEL = Control.CANCEL.value();

    /** An attempt of the job ended: if the job has a cluster-wide limit, a poll waiting for its runs may claim one. */
    private void freed(String job) {
        jobs.remote(job).filter(j -> ClaimLimits.of(j).isPresent()).ifPresent(j -> waiting.wake(List.of(j.name())));
    }

    /** Most ends in one call: as many as the events of a report. */
    public static final int MAX_ENDS = 100;

    /**
     * Ends several attempts, each as its own call would end it (the ends of one call go into the same batched
     * FLUSH): one answer per end, in order, with the status its own call would have had. Repeating the call after a
     * lost reply is harmless: each end is stored once and answered as it left its run.
     */
    public Uni<List<EndOutcome>> ends(Caller caller, EndsRequest request) {
        if (request == null || request.ends() == null || request.ends().isEmpty()) {
            throw new Invalid("'ends' is required: [{\"run_id\", \"outcome\", \"lease\", …}]");
        }
        if (request.ends().size() > MAX_ENDS) {
            throw new Invalid("At most " + MAX_ENDS + " ends per call; got " + request.ends().size());
        }
        List<Uni<EndOutcome>> each = new ArrayList<>();
        for (EndsRequest.Item item : request.ends()) {
            if (item == null) {
                throw new Invalid("An end must be an object: {\"run_id\", \"outcome\", \"lease\", …}");
            }
            each.add(Uni.createFrom().deferred(() -> end(caller, Fields.uuid("run_id", item.runId()),
                    outcome(item.outcome()), item.request()))
                    .map(EndOutcome::ended)
                    .onFailure(Refusal.class)
                    .recoverWithItem(e -> EndOutcome.refused(item.runId(), (Refusal) e)));
        }
        return Uni.join().all(each).andFailFast();
    }

    private static Outcome outcome(String outcome) {
        if (outcome != null) {
            for (Outcome known : Outcome.values()) {
                if (known.name().equalsIgnoreCase(outcome)) {
                    return known;
                }
            }
        }
        throw new Invalid("'outcome' must be complete, fail, snooze, wait or cancelled; got " + outcome);
    }

    /** An attempt's end, to be stored under its owner. */
    private record Ending(String owner, RunFlush flush) {
    }

    /**
     * Stores ends gathered while the previous ones were stored: one FLUSH per owner (and run) in a batch, as an
     * engine's ends go, instead of a statement — and a commit with its notifications — per run.
     */
    private Uni<List<Boolean>> storeEndings(List<Ending> batch) {
        Map<String, List<RunFlush>> byOwner = new LinkedHashMap<>();
        List<Ending> again = new ArrayList<>();
        Set<UUID> seen = new HashSet<>();
        for (Ending ending : batch) {
            if (seen.add(ending.flush().runId())) {
                byOwner.computeIfAbsent(ending.owner(), o -> new ArrayList<>()).add(ending.flush());
            } else {
                again.add(ending); // the same run twice (a repeated call): in a statement of its own, after
            }
        }
        Uni<Set<UUID>> written = Uni.createFrom().item(new HashSet<>());
        for (Map.Entry<String, List<RunFlush>> owner : byOwner.entrySet()) {
            written = written.flatMap(ids -> runs.flushAfterLast(owner.getKey(), owner.getValue()).map(more -> {
                ids.addAll(more);
                return ids;
            }));
        }
        return written.flatMap(ids -> again.isEmpty()
                ? Uni.createFrom().item(batch.stream().map(e -> ids.contains(e.flush().runId())).toList())
                : storeEndings(again).map(later -> {
                    List<Boolean> results = new ArrayList<>(batch.size());
                    int next = 0;
                    Set<UUID> first = new HashSet<>();
                    for (Ending ending : batch) {
                        results.add(first.add(ending.flush().runId())
                                ? ids.contains(ending.flush().runId())
                                : later.get(next++));
                    }
                    return results;
                }));
    }

    /** What a worker's end asks for, checked. */
    private AttemptEnd end(Outcome outcome, EndRequest request) {
        return switch (outcome) {
            case COMPLETE -> AttemptEnd.completed(request.metrics());
            case FAIL -> {
                String code = request.errorCode() == null ? "job_failed" : request.errorCode();
                if (!code.matches(EndRequest.ERROR_CODE)) {
                    throw new Invalid("'error_code' must be lower_snake, at most 64 characters");
                }
                yield AttemptEnd.failed(request.error() == null ? "Failed" : request.error(), code,
                        request.retryable() == null || request.retryable());
            }
            case SNOOZE -> {
                if (request.delayMs() == null || request.delayMs() < 0) {
                    throw new Invalid("'delay_ms' is required: how long until the next attempt");
                }
                yield AttemptEnd.snoozed(Duration.ofMillis(request.delayMs()));
            }
            case WAIT -> {
                children(request);
                yield AttemptEnd.waiting();
            }
            case CANCELLED -> AttemptEnd.cancelled(null);
        };
    }

    /** The runs a {@code wait} names: 1 to 100 run ids. */
    private static List<UUID> children(EndRequest request) {
        if (request.children() == null || request.children().isEmpty()
                || request.children().size() > FlowService.MAX_WAIT) {
            throw new Invalid("'children' is required: the 1 to " + FlowService.MAX_WAIT + " runs to wait for");
        }
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < request.children().size(); i++) {
            ids.add(Fields.uuid("children[" + i + "]", request.children().get(i)));
        }
        return ids;
    }

    /**
     * The flush that ends the run's attempt: what the run becomes is the attempt core's decision, as for an engine's
     * attempt; a cancel asked of the run wins over a failure or a snooze.
     */
    private RunFlush flush(Run run, AttemptEnd end) {
        long duration = run.startedAt() == null
                ? 0
                : Math.max(0, Duration.between(run.startedAt(), Instant.now()).toMillis());
        RunFlush.End decided = end.decide(run.attempt(), run.maxAttempts(), CANCEL.equals(run.controlRequested()),
                policy(run), config.triggers().maxDelay(), duration, ThreadLocalRandom.current().nextDouble());
        return new RunFlush(run.id(), run.attempt(), run.lastSeq() + 1, null, null, null, null, null, decided,
                List.of());
    }

    private RetryPolicy policy(Run run) {
        return jobs.find(run.job()).map(JobHandler::retry).orElse(RetryPolicy.DEFAULT);
    }

    /** True if the run executes under this lease. */
    private static boolean holds(Run run, String owner, int attempt) {
        return owner.equals(run.owner()) && run.attempt() == attempt
                && (run.status() == RunStatus.RUNNING || run.status() == RunStatus.PAUSED);
    }

    /** True if this lease's attempt already ended as {@code outcome} asks (a call repeated after a lost reply). */
    private static boolean ended(Run run, String owner, int attempt, Outcome outcome) {
        RunStatus terminal = switch (outcome) {
            case COMPLETE -> RunStatus.COMPLETED;
            case CANCELLED -> RunStatus.CANCELLED;
            case FAIL -> RunStatus.FAILED;
            case SNOOZE, WAIT -> null;
        };
        if (terminal != null && run.status() == terminal && owner.equals(run.owner()) && run.attempt() == attempt) {
            return true;
        }
        if ((outcome == Outcome.FAIL || outcome == Outcome.SNOOZE || outcome == Outcome.WAIT)
                && run.status() == RunStatus.CANCELLED
                && owner.equals(run.owner()) && run.attempt() == attempt) {
            return true; // stored as the cancelled end a cancel asked made of it
        }
        String requeued = switch (outcome) {
            case SNOOZE -> "snoozed";
            case WAIT -> "waiting";
            case FAIL -> "failed";
            default -> null;
        };
        return requeued != null && run.attempts() != null && run.attempts().stream().anyMatch(a -> owner.equals(
                a.get("owner")) && a.get("attempt") instanceof Number n && n.intValue() == attempt
                && requeued.equals(a.get("outcome")));
    }

    /** The run, if the caller may see it: not found otherwise (as for a run that does not exist). */
    private Uni<Run> visible(Caller caller, UUID runId) {
        return runs.findById(runId).map(found -> found.filter(run -> caller.sees(run.workspaceId())
                && caller.serves(run.job())).orElseThrow(() -> new NotFound("No run " + runId)));
    }

    /**
     * Why a lease no longer holds its run: not found for a run the caller cannot see, a conflict with the reason
     * otherwise.
     */
    private <T> Uni<T> lost(Caller caller, UUID runId, Lease held) {
        return visible(caller, runId).map(run -> {
            throw LeaseLost.of(run, held.owner(caller.name()), held.attempt());
        });
    }
}
