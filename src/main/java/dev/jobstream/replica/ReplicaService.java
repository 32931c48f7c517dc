package dev.jobstream.replica;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.jobstream.auth.Caller;
import dev.jobstream.concurrent.Coalescer;
import dev.jobstream.concurrent.VertxTimer;
import dev.jobstream.config.JobstreamConfig;
import dev.jobstream.engine.EngineRegistry;
import dev.jobstream.engine.LocalReplica;
import dev.jobstream.run.store.RunStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * The replicas registry: this replica writes its row when it starts and every {@code jobstream.heartbeat-interval}
 * (its engines busy, their maximum, the attempts it ended), and marks it stopped once its engines have stopped on
 * shutdown. A replica whose last heartbeat is older than {@code jobstream.stale-after} and that did not say it stopped
 * is lost (killed, or cut off from the database). The sweep deletes rows past {@code jobstream.replicas.retention}.
 */
@Singleton
public class ReplicaService {

    private static final Logger LOG = Logger.getLogger(ReplicaService.class);
    private static final Duration RETRY = Duration.ofSeconds(1);

    /** A replica as {@code GET /v1/replicas} shows it; load figures are null for a caller limited to workspaces. */
    public record Replica(String id, String version, String state, boolean self, Instant startedAt,
            Instant heartbeatAt, Instant stoppedAt, int enginesMax, Integer enginesBusy, Long runsEnded,
            long running, long paused) {
    }

    /**
     * A worker outside the service as the registry shows it: up while in touch within stale-after (a claim, a report,
     * a long poll waiting), lost after; its runs executing of the caller's workspaces.
     */
    public record Worker(String id, String token, String worker, String state, List<String> jobs,
            Instant firstSeenAt, Instant contactAt, String replica, Long running, Long paused) {
    }

    /** The registry, read at {@code at} by the database's clock. */
    public record Replicas(Instant at, long staleAfterMs, long retentionMs, List<Replica> replicas,
            long workersRetentionMs, List<Worker> workers) {
    }

    private final ReplicaStore store;
    private final RunStore runs;
    private final EngineRegistry engines;
    private final LocalReplica replica;
    private final JobstreamConfig config;
    private final Vertx vertx;
    private final String version;
    private final Instant startedAt = Instant.now();
    private final Coalescer beats;
    /** The workers as last read (with the runs they execute in every workspace), for {@code GET /v1/engines}. */
    private volatile List<Worker> workers = List.of();
    private final Coalescer workersRead;
    /** When this replica last wrote each worker's contact ({@link System#nanoTime()}), and the jobs it wrote. */
    private final Map<String, Written> contacts = new ConcurrentHashMap<>();
    private volatile boolean stopped;
    private long timer = -1;

    ReplicaService(ReplicaStore store, RunStore runs, EngineRegistry engines, LocalReplica replica,
            JobstreamConfig config, Vertx vertx,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown") String version) {
        this.store = store;
        this.runs = runs;
        this.engines = engines;
        this.replica = replica;
        this.config = config;
        this.vertx = vertx;
        this.version = version;
        Duration interval = config.heartbeatInterval();
        this.beats = Coalescer.of(this::beat, new VertxTimer(vertx))
                .retryAfter(interval.compareTo(RETRY) < 0 ? interval : RETRY).build();
        this.workersRead = Coalescer.of(this::readWorkers, new VertxTimer(vertx))
                .minInterval(Duration.ofMillis(200)).build();
    }

    void start(@Observes StartupEvent event) {
        beats.request();
        timer = vertx.setPeriodic(Math.max(1, config.heartbeatInterval().toMillis()), id -> beats.request());
    }

    /** After the engines stopped (the dispatcher's shutdown waits for them): the row says this replica stopped. */
    void stop(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) ShutdownEvent event) {
        stopped = true;
        beats.stop();
        vertx.cancelTimer(timer);
        try {
            store.stop(replica.id(), engines.ended()).await().atMost(Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            LOG.warnf("Shutdown: could not mark replica %s stopped (it will read as lost): %s", replica.id(),
                    e.getMessage());
        }
    }

    /** Writes this replica's row now (tests; the timer does it every heartbeat interval). */
    public Uni<Void> beatNow() {
        return store.beat(replica.id(), version, startedAt, config.engines().max(),
                Math.max(0, engines.executing()), engines.ended());
    }

    private Uni<Boolean> beat() {
        if (stopped) {
            return Uni.createFrom().item(false);
        }
        workersRead.request();
        return beatNow().replaceWith(false).onFailure().invoke(f -> LOG.debugf("Replica heartbeat failed: %s",
                f.getMessage()));
    }

    private record Written(long at, List<String> jobs) {
    }

    /**
     * Records that workers were in touch through this replica. A worker's row is written at most once per heartbeat
     * interval (unless its jobs changed): a report per second from a thousand workers costs no write each. Never
     * fails: the registry is for people to read, and a worker's call does not wait on it.
     */
    public Uni<Void> contact(List<ReplicaStore.Contact> workers) {
        long now = System.nanoTime();
        long every = config.heartbeatInterval().toNanos();
        List<ReplicaStore.Contact> due = workers.stream().filter(c -> {
            Written last = contacts.get(c.id());
            return last == null || now - last.at() >= every || !c.jobs().isEmpty() && !c.jobs().equals(last.jobs());
        }).toList();
        if (due.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        for (ReplicaStore.Contact c : due) {
            Written last = contacts.get(c.id());
            contacts.put(c.id(), new Written(now, c.jobs().isEmpty() && last != null ? last.jobs() : c.jobs()));
        }
        if (contacts.size() > ReplicaStore.MAX_LISTED * 10) {
            long old = now - config.engines().retention().toNanos();
            contacts.values().removeIf(w -> w.at() < old);
        }
        return store.contact(due, replica.id()).onFailure().invoke(f -> LOG.debugf(
                "Workers' contact not stored: %s", f.getMessage())).onFailure().recoverWithNull();
    }

    /**
     * The workers as this replica last read them (with every heartbeat, and again soon after each call), without
     * waiting for the database: {@code GET /v1/engines} answers from memory, also while the database is out of reach
     * (a worker then turns lost once its last contact is older than stale-after). The runs each executes are null for
     * a caller limited to workspaces (they count every workspace's).
     */
    public List<Worker> workers(Caller caller) {
        workersRead.request();
        Instant staleBefore = Instant.now().minus(config.staleAfter());
        return workers.stream().map(w -> new Worker(w.id(), w.token(), w.worker(),
                w.contactAt().isBefore(staleBefore) ? "lost" : "up", w.jobs(), w.firstSeenAt(), w.contactAt(),
                w.replica(), caller.scoped() ? null : w.running(), caller.scoped() ? null : w.paused())).toList();
    }

    private Uni<Boolean> readWorkers() {
        return list(new Caller("replica", null, null)).ifNoItem().after(config.staleAfter()).fail()
                .map(read -> {
                    workers = read.workers();
                    return false;
                }).onFailure().invoke(f -> LOG.debugf("Reading the workers failed: %s", f.getMessage()));
    }

    /**
     * The registry as {@code caller} may see it: every replica and worker, with the runs it executes of the caller's
     * workspaces; a replica's engines busy and the attempts it ended only for a caller that sees every workspace
     * (they count the runs of all of them).
     */
    public Uni<Replicas> list(Caller caller) {
        return Uni.combine().all().unis(store.list(), store.workers(), runs.executingByOwner(caller.workspaces()))
                .with((rows, workerRows, executing) -> {
                    Instant at = rows.isEmpty() ? Instant.now() : rows.get(0).readAt();
                    Instant staleBefore = at.minus(config.staleAfter());
                    boolean all = !caller.scoped();
                    List<Replica> replicas = rows.stream().map(row -> {
                        RunStore.Executing ours = executing.getOrDefault(row.id(), new RunStore.Executing(0, 0));
                        String state = row.stoppedAt() != null
                                ? "stopped"
                                : row.heartbeatAt().isBefore(staleBefore) ? "lost" : "up";
                        return new Replica(row.id(), row.version(), state, row.id().equals(replica.id()),
                                row.startedAt(),
                                row.heartbeatAt(), row.stoppedAt(), row.enginesMax(), all ? row.enginesBusy() : null,
                                all ? row.runsEnded() : null, ours.running(), ours.paused());
                    }).toList();
                    List<Worker> workers = workerRows.stream().map(row -> {
                        RunStore.Executing ours = executing.getOrDefault(row.id(), new RunStore.Executing(0, 0));
                        String state = row.contactAt().isBefore(row.readAt().minus(config.staleAfter()))
                                ? "lost"
                                : "up";
                        return new Worker(row.id(), row.token(), row.worker(), state, row.jobs(), row.firstSeenAt(),
                                row.contactAt(), row.replica(), ours.running(), ours.paused());
                    }).toList();
                    return new Replicas(at, config.staleAfter().toMillis(), config.replicas().retention().toMillis(),
                            replicas, config.engines().retention().toMillis(), workers);
                });
    }

    /**
     * Deletes the rows of replicas stopped or silent for longer than their retention, and of workers silent for
     * longer than the engines'; returns how many.
     */
    public Uni<Integer> deleteExpired(Instant now) {
        return store.deleteExpired(now.minus(config.replicas().retention())).flatMap(replicas -> store
                .deleteExpiredWorkers(now.minus(config.engines().retention())).map(workers -> replicas + workers));
    }
}
