package dev.jobstream.pg;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * This replica's LISTEN connection, taken out of the pool for good. Listeners of a channel are called for each
 * notification, and once more after every reconnect, since notifications sent while the connection was down are
 * lost: whoever listens must catch up from the tables.
 */
@Singleton
public class Notifications {

    private static final Logger LOG = Logger.getLogger(Notifications.class);
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);

    private final Pool pool;
    private final Connectivity connectivity;
    private final Vertx vertx;
    private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();
    private final Set<String> listening = ConcurrentHashMap.newKeySet();
    private volatile PgConnection connection;
    private volatile boolean stopped;

    Notifications(Pool pool, Vertx vertx, Connectivity connectivity) {
        this.pool = pool;
        this.connectivity = connectivity;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        connect();
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        PgConnection current = connection;
        if (current != null) {
            current.closeAndForget();
        }
    }

    /** True while the LISTEN connection is up. */
    public boolean connected() {
        return connection != null;
    }

    /**
     * Calls {@code listener} with the payload of each notification of {@code channel}, and with {@code null} after
     * each reconnect (anything may have changed meanwhile).
     */
    public void listen(String channel, Consumer<String> listener) {
        listeners.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(listener);
        PgConnection current = connection;
        if (current != null) {
            listenAll(current).subscribe().with(v -> {
            }, failure -> LOG.warnf("LISTEN %s failed: %s", channel, failure.getMessage()));
        }
    }

    private void connect() {
        if (stopped) {
            return;
        }
        pool.getConnection().map(PgConnection::cast).subscribe().with(this::connected, failure -> {
            connectivity.lost();
            LOG.warnf("LISTEN connection failed, retrying: %s", failure.getMessage());
            vertx.setTimer(RECONNECT_DELAY.toMillis(), id -> connect());
        });
    }

    private void connected(PgConnection pg) {
        pg.notificationHandler(n -> notifyListeners(n.getChannel(), n.getPayload()));
        pg.closeHandler(() -> {
            connection = null;
            connectivity.lost();
            listening.clear();
            if (!stopped) {
                LOG.warn("LISTEN connection lost, reconnecting");
                vertx.setTimer(RECONNECT_DELAY.toMillis(), id -> connect());
            }
        });
        connection = pg;
        connectivity.reconnected();
        listenAll(pg).subscribe().with(v -> listeners.keySet().forEach(c -> notifyListeners(c, null)), failure -> {
            LOG.warnf("LISTEN failed: %s", failure.getMessage());
            pg.closeAndForget();
        });
    }

    /** Issues LISTEN for every channel not yet listened to on this connection (channel names are constants). */
    private Uni<Void> listenAll(PgConnection pg) {
        List<String> missing = listeners.keySet().stream().filter(listening::add).toList();
        if (missing.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String statements = missing.stream().map(c -> "LISTEN " + c + ";").collect(Collectors.joining());
        return pg.query(statements).execute().replaceWithVoid();
    }

    private void notifyListeners(String channel, String payload) {
        for (Consumer<String> listener : listeners.getOrDefault(channel, List.of())) {
            try {
                listener.accept(payload);
            } catch (RuntimeException e) {
                LOG.warnf(e, "Listener of %s failed", channel);
            }
        }
    }
}
