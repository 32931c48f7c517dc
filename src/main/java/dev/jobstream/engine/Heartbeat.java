package dev.jobstream.engine;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Refreshes {@code heartbeat_at} of every run this replica executes (paused ones too), in one statement, with the
 * database clock; the same statement brings back control requests that a lost notification did not deliver.
 */
@Singleton
public class Heartbeat {

    private static final Logger LOG = Logger.getLogger(Heartbeat.class);

    private final EngineControl control;

    Heartbeat(EngineControl control) {
        this.control = control;
    }

    @Scheduled(every = "${jobstream.heartbeat-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> beat() {
        return control.heartbeat()
                .onFailure().invoke(f -> LOG.warnf("Heartbeat failed: %s", f.getMessage()))
                .onFailure().recoverWithNull();
    }
}
