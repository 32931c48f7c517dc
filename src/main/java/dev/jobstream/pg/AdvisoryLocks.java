package dev.jobstream.pg;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.jobstream.concurrent.MicroBatcher;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The session advisory locks that fence exclusive runs. This replica holds all of its engines' locks on
 * one connection of its own, taken out of the pool for good; acquisitions and releases that arrive together share a
 * round trip. If that connection is lost, every lock is gone: the engines are told and stop at their next
 * checkpoint.
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

    private final Pool pool;
    private final Set<Long> held = ConcurrentHashMap.newKeySet();
    private final MicroBatcher<Long, Boolean> acquire = new MicroBatcher<>(1000, 100_000, keys -> run(TRY_LOCK, keys));
    private final MicroBatcher<Long, Boolean> release = new MicroBatcher<>(1000, 100_000, keys -> run(UNLOCK, keys));
    private volatile Uni<SqlConnection> connection;
    private volatile boolean stopped;
    private volatile Runnable onLoss = () -> {
    };

    AdvisoryLocks(Pool pool) {
        this.pool = pool;
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

    /** Called when the lock connection is lost. */
    public void onLoss(Runnable listener) {
        this.onLoss = listener;
    }

    /** True if this replica now holds the key; false if another engine, here or elsewhere, holds it. */
    public Uni<Boolean> tryLock(long key) {
        if (!held.add(key)) {
            return Uni.createFrom().item(false);
        }
        return acquire.submit(key)
                .onFailure().invoke(() -> held.remove(key))
                .invoke(locked -> {
                    if (!locked) {
                        held.remove(key);
                    }
                });
    }

    public Uni<Void> unlock(long key) {
        return release.submit(key)
                .onItemOrFailure().invoke(() -> held.remove(key))
                .replaceWithVoid()
                .onFailure().recoverWithNull();
    }

    private Uni<List<Boolean>> run(String sql, List<Long> keys) {
        return connection().flatMap(c -> c.preparedQuery(sql).execute(Tuple.of(keys.toArray(Long[]::new))))
                .map(rows -> {
                    List<Boolean> results = new ArrayList<>(keys.size());
                    rows.forEach(row -> results.add(row.getBoolean(0)));
                    return results;
                });
    }

    private Uni<SqlConnection> connection() {
        Uni<SqlConnection> current = connection;
        if (current == null) {
            current = pool.getConnection().invoke(c -> c.closeHandler(this::lost)).memoize().indefinitely();
            connection = current;
        }
        return current.onFailure().invoke(() -> connection = null);
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
    }

    private void lost() {
        if (stopped) {
            return;
        }
        LOG.warn("Advisory lock connection lost: engines holding locks stop at their next checkpoint");
        connection = null;
        held.clear();
        onLoss.run();
    }
}
