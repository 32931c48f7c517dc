package dev.jobstream.pg;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.jobstream.concurrent.MicroBatcher;
import dev.jobstream.concurrent.Periodic;
import dev.jobstream.config.JobstreamConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The session advisory locks that fence exclusive runs. This replica holds all of its engines' locks on one
 * connection of its own, taken out of the pool; acquisitions and releases that arrive together share a round trip.
 * Each connection is a <em>generation</em>: a lock belongs to the generation it was taken on, and is released only on
 * it — when the connection is lost, its locks are gone, the engines holding them are told (they stop at their next
 * checkpoint), and a later unlock of such a lock does nothing, so it can never release a lock that the next
 * generation took for the same key. At most one connection is opened at a time.
 */
@Singleton
public class AdvisoryLocks {

    private static final Logger LOG = Logger.getLogger(AdvisoryLocks.class);

    static final String TRY_LOCK = """
            SELECT pg_try_advisory_lock(k) AS locked FROM unnest($1::bigint[]) WITH ORDINALITY AS t(k, i) ORDER BY i
            """;
    static final String UNLOCK = """
            SELECT pg_advisory_unlock(k) AS unlocked FROM unnest($1::bigint[]) WITH ORDINALITY AS t(k, i) ORDER BY i
            """;

    /** A lock held: its key and the generation (connection) it was taken on. */
    public record Lock(long key, long generation) {
    }

    /** One lock connection and the keys held on it. */
    private final class Generation {
        final long number;
        final Uni<SqlConnection> connection;
        final Set<Long> held = ConcurrentHashMap.newKeySet();
        volatile boolean lost;

        Generation(long number) {
            this.number = number;
            this.connection = connections.open().map(c -> (SqlConnection) c)
                    .invoke(c -> c.closeHandler(() -> lost(this))).memoize().indefinitely();
        }
    }

    private record Request(Generation generation, long key) {
    }

    private final DedicatedConnections connections;
    private final Vertx vertx;
    private final Periodic periodic;
    private final Duration pingInterval;
    private final Duration pingTimeout;
    private final MicroBatcher<Request, Boolean> acquire = new MicroBatcher<>(1000, 100_000,
            requests -> run(TRY_LOCK, requests));
    private final MicroBatcher<Request, Boolean> release = new MicroBatcher<>(1000, 100_000,
            requests -> run(UNLOCK, requests));
    // guarded by this
    private Generation current;
    private long generations;
    private volatile boolean stopped;
    private volatile java.util.function.LongConsumer onLoss = generation -> {
    };

    AdvisoryLocks(DedicatedConnections connections, Vertx vertx, JobstreamConfig config) {
        this.connections = connections;
        this.vertx = vertx;
        this.periodic = new Periodic(vertx);
        this.pingInterval = config.pg().pingInterval();
        this.pingTimeout = config.pg().pingTimeout();
    }

    void start(@Observes StartupEvent event) {
        periodic.every(pingInterval, this::ping);
    }

    /**
     * Asks the lock connection for an answer within the ping timeout; one that gives none (half-open) is closed, its
     * locks count as lost (their engines stop at their next checkpoint), and the next lock opens a new connection.
     */
    private void ping() {
        Generation generation;
        synchronized (this) {
            generation = current;
        }
        if (generation == null || generation.lost || stopped) {
            return;
        }
        generation.connection.flatMap(c -> c.query("SELECT 1 AS lock_ping").execute().replaceWith(c))
                .ifNoItem().after(pingTimeout).fail()
                .subscribe().with(c -> {
                }, failure -> {
                    lost(generation);
                    generation.connection.subscribe().with(SqlConnection::closeAndForget, ignored -> {
                    });
                });
    }

    /** The lock key of an exclusive (job, workspace): the first 8 bytes of SHA-256("job:workspace"), signed. */
    public static long key(String job, UUID workspace) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((job + ":" + workspace).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(hash, 0, 8).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Called with the generation of a lock connection that was lost. */
    public void onLoss(java.util.function.LongConsumer listener) {
        this.onLoss = listener;
    }

    /** The lock if this replica now holds the key; null if another engine, here or elsewhere, holds it. */
    public Uni<Lock> tryLock(long key) {
        Generation generation = generation();
        if (!generation.held.add(key)) {
            return Uni.createFrom().nullItem();
        }
        return acquire.submit(new Request(generation, key))
                .onFailure().invoke(() -> generation.held.remove(key))
                .map(locked -> {
                    if (!locked) {
                        generation.held.remove(key);
                        return null;
                    }
                    return new Lock(key, generation.number);
                });
    }

    /** Releases the lock, on the connection it was taken on; a lock of a lost connection is gone already. */
    public Uni<Void> unlock(Lock lock) {
        Generation generation;
        synchronized (this) {
            generation = current;
        }
        if (generation == null || generation.number != lock.generation() || generation.lost) {
            return Uni.createFrom().voidItem();
        }
        return release.submit(new Request(generation, lock.key()))
                .onItemOrFailure().invoke(() -> generation.held.remove(lock.key()))
                .replaceWithVoid()
                .onFailure().recoverWithNull();
    }

    /** Runs one batch, each request on its own generation's connection (one generation per batch, as a rule). */
    private Uni<List<Boolean>> run(String sql, List<Request> requests) {
        Generation generation = requests.get(0).generation();
        List<Request> same = requests.stream().filter(r -> r.generation() == generation).toList();
        Uni<List<Boolean>> done = generation.lost
                ? Uni.createFrom().item(same.stream().map(r -> false).toList())
                : generation.connection
                        .flatMap(c -> c.preparedQuery(sql)
                                .execute(Tuple.of(same.stream().map(Request::key).toArray(Long[]::new))))
                        .map(rows -> {
                            List<Boolean> results = new ArrayList<>(same.size());
                            rows.forEach(row -> results.add(row.getBoolean(0)));
                            return results;
                        });
        if (same.size() == requests.size()) {
            return done;
        }
        List<Request> others = requests.stream().filter(r -> r.generation() != generation).toList();
        return done.flatMap(first -> run(sql, others).map(rest -> {
            List<Boolean> results = new ArrayList<>(requests.size());
            int f = 0;
            int r = 0;
            for (Request request : requests) {
                results.add(request.generation() == generation ? first.get(f++) : rest.get(r++));
            }
            return results;
        }));
    }

    /** The current generation, opening a connection when there is none or it was lost. */
    private synchronized Generation generation() {
        if (current == null || current.lost) {
            Generation next = new Generation(++generations);
            next.connection.subscribe().with(c -> {
            }, failure -> lost(next));
            current = next;
        }
        return current;
    }

    void stop(@Observes ShutdownEvent event) {
        periodic.cancelAll();
        stopped = true;
    }

    private void lost(Generation generation) {
        synchronized (this) {
            if (generation.lost) {
                return;
            }
            generation.lost = true;
        }
        generation.held.clear();
        if (stopped) {
            return;
        }
        LOG.warnf("Advisory lock connection %d lost: engines holding its locks stop at their next checkpoint",
                generation.number);
        onLoss.accept(generation.number);
    }
}
