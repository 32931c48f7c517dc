package dev.jobstream.engine;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.jobstream.pg.Channels;
import dev.jobstream.pg.Notifications;
import dev.jobstream.run.Control;
import dev.jobstream.run.store.RunStore;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;

/**
 * Brings control requests to this replica's engines: on each notification of {@link Channels#CONTROL} naming a run
 * executing here (all runs after a reconnect), and with every heartbeat, it reads what is stored on the runs. An
 * engine whose run is no longer owned here (force-cancelled, deleted, taken over) is killed.
 */
@Singleton
public class EngineControl {

    private static final Logger LOG = Logger.getLogger(EngineControl.class);

    private final EngineRegistry registry;
    private final RunStore store;
    private final Notifications notifications;
    private final LocalReplica replica;

    EngineControl(EngineRegistry registry, RunStore store, Notifications notifications,
            LocalReplica replica) {
        this.registry = registry;
        this.store = store;
        this.notifications = notifications;
        this.replica = replica;
    }

    void start(@Observes StartupEvent event) {
        notifications.listen(Channels.CONTROL, this::notified);
    }

    private void notified(String payload) {
        if (payload == null) {
            refresh(registry.all());
            return;
        }
        try {
            Engine engine = registry.find(UUID.fromString(payload));
            if (engine != null) {
                refresh(List.of(engine));
            }
        } catch (IllegalArgumentException ignored) {
            // not a run id: nothing of ours
        }
    }

    private void refresh(Collection<Engine> engines) {
        if (engines.isEmpty()) {
            return;
        }
        List<UUID> ids = engines.stream().map(e -> e.run().id()).toList();
        store.controlsOf(ids, replica.id()).subscribe().with(controls -> apply(engines, controls),
                failure -> LOG.warnf("Reading control requests failed: %s", failure.getMessage()));
    }

    /** Heartbeats every engine's run and applies the control requests that come back. */
    Uni<Void> heartbeat() {
        Collection<Engine> engines = registry.all().stream().filter(e -> e.state() != Engine.State.STOPPED).toList();
        List<UUID> ids = new java.util.ArrayList<>(engines.stream().map(e -> e.run().id()).toList());
        ids.addAll(registry.claimed());
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<Engine, Long> sent = new java.util.HashMap<>();
        engines.forEach(e -> sent.put(e, e.now()));
        return store.heartbeat(ids, replica.id()).invoke(controls -> {
            engines.stream().filter(e -> controls.containsKey(e.run().id())).forEach(e -> e.renewLease(sent.get(e)));
            apply(engines, controls);
        }).replaceWithVoid();
    }

    private static void apply(Collection<Engine> engines, Map<UUID, String> controls) {
        for (Engine engine : engines) {
            UUID id = engine.run().id();
            if (controls.containsKey(id)) {
                engine.controlRequested(Control.of(controls.get(id)));
            } else if (engine.state() == Engine.State.RUNNING) {
                engine.kill();
            }
        }
    }
}
