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

import dev.jobstream.concurrent.Periodic;
import dev.jobstream.config.JobstreamConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;

/**
 * This replica's LISTEN connection, taken out of the pool for good. Listeners of a channel are called for each
 * notification, and once more after every reconnect, since notifications sent while the connection was down are
 * lost: whoever listens must catch up from the tables.
 */
@Singleton
public class Notifications {

    private static final Logger LOG = Logger.getLogger(Notifications.class);
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);

    private final DedicatedConnections connections;
    private final Connectivity connectivity;
    private final Duration pingInterval;
    private final Duration pingTimeout;
    /** The ping on the LISTEN connection, named so that it can be told apart in {@code pg_stat_activity}. */
    static final String PING = "SELECT 1 AS listen_ping";
    private final Vertx vertx;
    private final Periodic periodic;
    private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();
    private final Set<String> listening = ConcurrentHashMap.newKeySet();
    private volatile PgConnection connection;
    private volatile boolean stopped;

    Notifications(DedicatedConnections connections, Vertx vertx, Connectivity connectivity, JobstreamConfig config) {
        this.connections = connections;
        this.pingInterval = config.pg().pingInterval();
        this.pingTimeout = config.pg().pingTimeout();
        this.connectivity = connectivity;
        this.vertx = vertx;
        this.periodic = new Periodic(vertx);
    }

    void start(@Observes StartupEvent event) {
        connect();
        periodic.every(pingInterval, this::ping);
    }

    void stop(@Observes ShutdownEvent event) {
        periodic.cancelAll();
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
        connections.open().subscribe().with(this::connected, failure -> {
            connectivity.lost();
            LOG.warnf("LISTEN connection failed, retrying: %s", failure.getMessage());
            vertx.setTimer(RECONNECT_DELAY.toMillis(), id -> connect());
        });
    }

    private void connected(PgConnection pg) {
        pg.notificationHandler(n -> notifyListeners(n.getChannel(), n.getPayload()));
        pg.closeHandler(() -> dropped(pg, "lost"));
        connection = pg;
        connectivity.reconnected();
        listenAll(pg).subscribe().with(v -> listeners.keySet().forEach(c -> notifyListeners(c, null)), failure -> {
            LOG.warnf("LISTEN failed: %s", failure.getMessage());
            pg.closeAndForget();
        });
    }

    /** The connection is gone (or does not answer): once per connection, forget it and connect again. */
    private void dropped(PgConnection pg, String why) {
        synchronized (this) {
            if (connection != pg) {
                return;
            }
            connection = null;
            listening.clear();
        }
        connectivity.lost();
        if (!stopped) {
            LOG.warnf("LISTEN connection %s, reconnecting", why);
            vertx.setTimer(RECONNECT_DELAY.toMillis(), id -> connect());
        }
    }

    /**
     * Asks the LISTEN connection for an answer within the ping timeout; a connection that gives none (half-open: the
     * server or the path to it is gone while the socket stays) is closed and replaced, and readiness says so.
     */
    private void ping() {
        PgConnection pg = connection;
        if (pg == null || stopped) {
            return;
        }
        pg.query(PING).execute().ifNoItem().after(pingTimeout).fail().subscribe().with(rows -> {
        }, failure -> {
            dropped(pg, "did not answer a ping within " + pingTimeout);
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
