package dev.jobstream.engine;

import java.time.Duration;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.jobstream.concurrent.Coalescer;
import dev.jobstream.concurrent.Periodic;
import dev.jobstream.concurrent.VertxTimer;
import dev.jobstream.config.JobstreamConfig;
import dev.jobstream.pg.Channels;
import dev.jobstream.pg.Connectivity;
import dev.jobstream.pg.Notifications;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Refreshes {@code heartbeat_at} of every run this replica executes (paused ones too, and runs claimed whose engine
 * is about to start), in one statement, with the database clock; the same statement brings back control requests
 * that a lost notification did not deliver, and renews the engines' leases. It beats every
 * {@code jobstream.heartbeat-interval}; after a failed beat it tries again every half second, and when the LISTEN
 * connection comes back (the database is back) it beats at once.
 */
@Singleton
public class Heartbeat {

    private static final Logger LOG = Logger.getLogger(Heartbeat.class);
    private static final Duration RETRY = Duration.ofMillis(500);

    private final EngineControl control;
    private final Connectivity connectivity;
    private final Notifications notifications;
    private final Vertx vertx;
    private final Periodic periodic;
    private final Duration interval;
    private final Coalescer beats;

    Heartbeat(EngineControl control, Connectivity connectivity, Notifications notifications, Vertx vertx,
            JobstreamConfig config) {
        this.control = control;
        this.connectivity = connectivity;
        this.notifications = notifications;
        this.vertx = vertx;
        this.periodic = new Periodic(vertx);
        this.interval = config.heartbeatInterval();
        Duration retry = interval.compareTo(RETRY) < 0 ? interval : RETRY;
        this.beats = Coalescer.of(this::beat, new VertxTimer(vertx)).retryAfter(retry).build();
    }

    void start(@Observes StartupEvent event) {
        periodic.every(interval, beats::request);
        notifications.listen(Channels.CONTROL, payload -> {
            if (payload == null) {
                beats.request(); // reconnected: the database is back
            }
        });
    }

    void stop(@Observes ShutdownEvent event) {
        periodic.cancelAll();
    }

    private Uni<Boolean> beat() {
        return control.heartbeat()
                .invoke(connectivity::reached)
                .onFailure().invoke(f -> {
                    connectivity.lost();
                    LOG.warnf("Heartbeat failed (retrying): %s", f.getMessage());
                })
                .replaceWith(false);
    }
}
