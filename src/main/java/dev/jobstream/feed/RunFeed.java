package dev.jobstream.feed;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
import dev.jobstream.run.RunVersion;
import dev.jobstream.run.store.RunStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.core.Vertx;

/**
 * The live feed of run changes for dashboards: created, state changed, progress. It pages through the runs in the
 * order of their last change with a cursor on ({@code updated_at}, {@code id}) that always advances — also past
 * thousands of runs that one statement changed at one instant — at most {@link #MAX_READS_PER_SECOND} times a
 * second, which coalesces a run's progress, and sends each change, encoded once, to the matching subscribers.
 * <p>
 * A change whose transaction commits after the feed has read past its time is not lost: every statement that changes
 * runs announces the time of its change ({@code now()}) on {@link Channels#RUNS}, delivered once it has committed;
 * a time behind the cursor is read again, exactly ({@code updated_at = t}). After the LISTEN connection comes back
 * (notifications may have been lost), the feed reads again from {@link #OVERLAP} behind its cursor. Versions seen
 * are remembered, so nothing is sent twice.
 */
@Singleton
public class RunFeed {

    static final int MAX_READS_PER_SECOND = 4;
    /** Rows of one page, and pages of one read: a read takes up to 5,000 changes (20,000 a second), then waits. */
    static final int PAGE = 1000;
    static final int MAX_PAGES_PER_READ = 5;
    /**
     * Changes a subscriber may have waiting to be written: one read's worth. One that falls further behind is
     * disconnected and reconnects (the console then reloads its list).
     */
    static final int MAX_BACKLOG = PAGE * MAX_PAGES_PER_READ;
    /** After notifications may have been lost, the feed reads again from this far behind its cursor. */
    static final Duration OVERLAP = Duration.ofSeconds(5);
    private static final Logger LOG = Logger.getLogger(RunFeed.class);
    private static final int MAX_REMEMBERED = 100_000;
    private static final UUID NO_ID = new UUID(0, 0);
    /** Late change times kept at most; beyond, the feed reads again from the oldest. */
    private static final int MAX_LATE = 10_000;

    /** One change, encoded once for every subscriber. */
    public record Change(String type, String job, UUID workspaceId, String json) {
    }

    private record Sent(long version, String status) {
    }

    private final RunStore runs;
    private final ObjectMapper json;
    private final Coalescer reader;
    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    /** The last version and status sent of recently changed runs, oldest first. */
    private final Map<UUID, Sent> seen = new LinkedHashMap<>(16, 0.75f, false);
    private final Notifications notifications;

    // guarded by this
    private Instant cursorAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
    private UUID cursorId = NO_ID;
    /** Times of changes that committed behind the cursor, to read again. */
    private final TreeSet<Instant> late = new TreeSet<>();
    /** Where to read again from, up to the cursor, when notifications may have been lost (null: no need). */
    private Instant rescanFrom;
    /** The newest change time announced (the database's clock). */
    private Instant latest = Instant.EPOCH;

    RunFeed(RunStore runs, Vertx vertx, Notifications notifications, ObjectMapper json, MeterRegistry metrics) {
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
        notifications.listen(Channels.RUNS, this::changed);
    }

    /**
     * Changes of runs of {@code job} and {@code workspace} (null: any) within {@code scope} (null: all workspaces),
     * from now on.
     */
    public Multi<Change> changes(String job, UUID workspace, Set<UUID> scope) {
        return Multi.createFrom().<Change>emitter(emitter -> {
            Subscriber subscriber = new Subscriber(job, workspace, scope, emitter);
            synchronized (this) {
                if (subscribers.isEmpty() && latest.isAfter(cursorAt)) {
                    // nobody followed the changes meanwhile: start from the newest one, not from the old cursor
                    cursorAt = latest;
                    cursorId = NO_ID;
                    late.clear();
                    rescanFrom = null;
                }
                subscribers.add(subscriber);
            }
            emitter.onTermination(() -> subscribers.remove(subscriber));
        }).onOverflow().buffer(MAX_BACKLOG);
    }

    /** A statement changed runs at the time in {@code payload} (microseconds); null: notifications were lost. */
    private void changed(String payload) {
        Instant at = null;
        if (payload != null) {
            try {
                at = Instant.EPOCH.plus(Long.parseLong(payload), ChronoUnit.MICROS);
            } catch (NumberFormatException | java.time.DateTimeException e) {
                return; // not ours
            }
        }
        synchronized (this) {
            if (at != null && at.isAfter(latest)) {
                latest = at;
            }
            if (subscribers.isEmpty()) {
                return;
            }
            if (at == null) {
                rescan(cursorAt.minus(OVERLAP));
            } else if (!at.isAfter(cursorAt)) {
                if (late.size() < MAX_LATE) {
                    late.add(at);
                } else {
                    rescan(late.first());
                    late.clear();
                }
            }
        }
        reader.request();
    }

    /** Reads again from {@code from} up to the cursor (guarded by this). */
    private void rescan(Instant from) {
        if (rescanFrom == null || from.isBefore(rescanFrom)) {
            rescanFrom = from;
        }
    }

    /** One read: the late changes first, then pages from the cursor; more to read when the last page was full. */
    private Uni<Boolean> read() {
        return readLate().flatMap(v -> readAhead(0));
    }

    /** Reads again what committed behind the cursor: a range after lost notifications, then each late time. */
    private Uni<Void> readLate() {
        Instant from;
        Instant untilAt;
        UUID untilId;
        synchronized (this) {
            from = rescanFrom;
            rescanFrom = null;
            untilAt = cursorAt;
            untilId = cursorId;
        }
        Uni<Void> rescan = from == null ? Uni.createFrom().voidItem() : readRange(from, NO_ID, untilAt, untilId);
        return rescan.flatMap(v -> readLateTimes());
    }

    private Uni<Void> readLateTimes() {
        Instant at;
        synchronized (this) {
            at = late.pollFirst();
        }
        if (at == null) {
            return Uni.createFrom().voidItem();
        }
        return readAt(at, NO_ID).flatMap(v -> readLateTimes());
    }

    /** Reads the changes after ({@code at}, {@code id}) up to ({@code untilAt}, {@code untilId}). */
    private Uni<Void> readRange(Instant at, UUID id, Instant untilAt, UUID untilId) {
        return runs.changedAfter(at, id, PAGE).flatMap(rows -> {
            List<RunVersion> within = rows.stream().filter(r -> r.updatedAt().isBefore(untilAt)
                    || r.updatedAt().equals(untilAt) && compare(r.id(), untilId) <= 0).toList();
            send(within, at);
            if (rows.size() < PAGE || within.size() < rows.size()) {
                return Uni.createFrom().voidItem();
            }
            RunVersion last = rows.get(rows.size() - 1);
            return readRange(last.updatedAt(), last.id(), untilAt, untilId);
        });
    }

    private Uni<Void> readAt(Instant at, UUID after) {
        return runs.changedAt(at, after, PAGE).flatMap(rows -> {
            send(rows, at);
            if (rows.size() < PAGE) {
                return Uni.createFrom().voidItem();
            }
            return readAt(at, rows.get(rows.size() - 1).id());
        });
    }

    /** UUIDs in PostgreSQL's order: their 16 bytes unsigned. */
    static int compare(UUID a, UUID b) {
        int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return high != 0 ? high : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    }

    private Uni<Boolean> readAhead(int pages) {
        Instant at;
        UUID id;
        synchronized (this) {
            at = cursorAt;
            id = cursorId;
        }
        return runs.changedAfter(at, id, PAGE).flatMap(rows -> {
            send(rows, at);
            if (!rows.isEmpty()) {
                RunVersion last = rows.get(rows.size() - 1);
                synchronized (this) {
                    cursorAt = last.updatedAt();
                    cursorId = last.id();
                }
            }
            boolean full = rows.size() == PAGE;
            if (full && pages + 1 < MAX_PAGES_PER_READ) {
                return readAhead(pages + 1);
            }
            return Uni.createFrom().item(full);
        }).onFailure().invoke(failure -> LOG.debugf("Reading run changes failed: %s", failure.getMessage()));
    }

    private void send(List<RunVersion> rows, Instant readFrom) {
        if (subscribers.isEmpty()) {
            return;
        }
        for (RunVersion row : rows) {
            Change change = change(row, readFrom);
            if (change != null) {
                for (Subscriber subscriber : subscribers) {
                    try {
                        subscriber.offer(change);
                    } catch (RuntimeException e) {
                        subscribers.remove(subscriber); // its stream failed (fell too far behind): it reconnects
                    }
                }
            }
        }
    }

    /**
     * The change a row stands for, or null if it was sent already. A run first seen that was created since the read
     * started (or within the overlap before it) is announced as created, even if an engine took it before the read.
     */
    private Change change(RunVersion row, Instant readFrom) {
        String type;
        synchronized (seen) {
            Sent last = seen.get(row.id());
            if (last != null && last.version() >= row.version()) {
                return null;
            }
            type = last == null
                    ? (row.version() == 0 || !row.createdAt().isBefore(readFrom.minus(OVERLAP)) ? "created" : "state")
                    : (!row.status().equals(last.status()) ? "state" : "progress");
            seen.remove(row.id());
            seen.put(row.id(), new Sent(row.version(), row.status()));
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
