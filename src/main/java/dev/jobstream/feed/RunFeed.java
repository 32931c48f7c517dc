package dev.jobstream.feed;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jobstream.concurrent.Coalescer;
import dev.jobstream.concurrent.VertxTimer;
import dev.jobstream.pg.Channels;
import dev.jobstream.pg.Notifications;
import dev.jobstream.run.RunStore;
import dev.jobstream.stream.RunEventHub;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Row;

/**
 * The live feed of run changes for dashboards: created, state changed, progress. When any replica announces a
 * change, this replica reads the runs changed since its last read — at most {@link #MAX_READS_PER_SECOND} times a
 * second, which coalesces a run's progress — and sends each change, encoded once, to the matching subscribers.
 */
@Singleton
public class RunFeed {

    static final int MAX_READS_PER_SECOND = 4;
    private static final Logger LOG = Logger.getLogger(RunFeed.class);
    /** Reads look this far behind the last change seen, for transactions that committed late; versions dedupe. */
    private static final Duration OVERLAP = Duration.ofSeconds(2);
    private static final int PAGE = 1000;
    private static final int MAX_REMEMBERED = 100_000;

    /** One change, encoded once for every subscriber. */
    public record Change(String type, String job, UUID workspaceId, String json) {
    }

    private final RunStore runs;
    private final Notifications notifications;
    private final ObjectMapper json;
    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    /** The last version and status sent of recently changed runs, oldest first. */
    private final Map<UUID, Sent> seen = new LinkedHashMap<>(16, 0.75f, false);

    private record Sent(long version, String status) {
    }

    private final Coalescer reader;
    // guarded by this
    private OffsetDateTime since = OffsetDateTime.now(ZoneOffset.UTC);

    RunFeed(RunStore runs, Vertx vertx, Notifications notifications, ObjectMapper json,
            MeterRegistry metrics) {
        Gauge.builder("jobstream.sse.subscribers", subscribers, Set::size)
                .description("Open SSE streams of the live feed on this replica").tag("stream", "feed")
                .register(metrics);
        this.runs = runs;
        this.reader = Coalescer.of(this::read, new VertxTimer(vertx))
                .minInterval(Duration.ofMillis(1000 / MAX_READS_PER_SECOND)).build();
        this.notifications = notifications;
        this.json = json;
    }

    void start(@Observes StartupEvent event) {
        for (String channel : List.of(Channels.QUEUED, Channels.EVENTS, Channels.CONTROL)) {
            notifications.listen(channel, payload -> changed());
        }
    }

    /**
     * Changes of runs of {@code job} and {@code workspace} (null: any) within {@code scope} (null: all workspaces),
     * from now on.
     */
    public Multi<Change> changes(String job, UUID workspace, Set<UUID> scope) {
        return Multi.createFrom().<Change>emitter(emitter -> {
            Subscriber subscriber = new Subscriber(job, workspace, scope, emitter);
            subscribers.add(subscriber);
            emitter.onTermination(() -> subscribers.remove(subscriber));
        }).onOverflow().buffer(RunEventHub.MAX_BACKLOG);
    }

    private void changed() {
        if (!subscribers.isEmpty()) {
            reader.request();
        }
    }

    /** Reads the changes since the last read and sends them; more to read when the page was full. */
    private Uni<Boolean> read() {
        OffsetDateTime from;
        synchronized (this) {
            from = since.minus(OVERLAP);
        }
        return runs.changedSince(from, PAGE).map(rows -> {
            List<Change> changes = new ArrayList<>();
            OffsetDateTime newest = null;
            for (Row row : rows) {
                Change change = change(row, from);
                if (change != null) {
                    changes.add(change);
                }
                newest = row.getOffsetDateTime("updated_at");
            }
            for (Change change : changes) {
                subscribers.forEach(s -> s.offer(change));
            }
            synchronized (this) {
                if (newest != null && newest.isAfter(since)) {
                    since = newest;
                }
            }
            return rows.size() == PAGE;
        }).onFailure().invoke(failure -> LOG.debugf("Reading run changes failed: %s", failure.getMessage()));
    }

    /**
     * The change a row stands for, or null if it was sent already. A run first seen that was created since the last
     * read is announced as created, even if an engine took it before the read.
     */
    private Change change(Row row, OffsetDateTime readFrom) {
        UUID id = row.getUUID("id");
        long version = row.getLong("version");
        String status = row.getString("status");
        String type;
        synchronized (seen) {
            Sent last = seen.get(id);
            if (last != null && last.version() >= version) {
                return null;
            }
            type = last == null
                    ? (version == 0 || !row.getOffsetDateTime("created_at").isBefore(readFrom) ? "created" : "state")
                    : (!status.equals(last.status()) ? "state" : "progress");
            seen.remove(id);
            seen.put(id, new Sent(version, status));
            if (seen.size() > MAX_REMEMBERED) {
                seen.remove(seen.keySet().iterator().next());
            }
        }
        RunChange change = RunChange.from(row, type);
        try {
            return new Change(type, change.job(), change.workspaceId(), json.writeValueAsString(change));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Subscriber(String job, UUID workspace, Set<UUID> scope, MultiEmitter<? super Change> emitter) {

        void offer(Change change) {
            if ((job == null || job.equals(change.job()))
                    && (workspace == null || workspace.equals(change.workspaceId()))
                    && (scope == null || scope.contains(change.workspaceId()))) {
                emitter.emit(change);
            }
        }
    }
}
