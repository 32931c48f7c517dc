package dev.jobstream.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.jobstream.spi.RateLimit;
import dev.jobstream.support.PropertyDatabase;
import io.smallrye.mutiny.Uni;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Two replicas claiming a rate-limited job at once never start more runs than its limits allow: over any window, the
 * starts of the job are at most its limit, and those of each key at most the key's; a key never has more runs
 * executing than it allows at once. Random limits, windows, keys and steps (a clock moved on, both replicas claiming
 * concurrently, some runs ending), through {@link dev.jobstream.run.store.RunStore#claimLimited} on PostgreSQL with
 * the test's own clock; and the limits let through as many as they allow: once a whole window passed with every run
 * ended, a claim starts runs again.
 */
class RateLimitProperties {

    private static final String[] KEYS = {"a", "b", "c"};
    private static PropertyDatabase database;

    record Step(long advanceMillis, int firstBatch, int secondBatch, boolean endRunning) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        return Combinators.combine(Arbitraries.longs().between(0, 3_000), Arbitraries.integers().between(0, 6),
                Arbitraries.integers().between(0, 6), Arbitraries.of(true, false)).as(Step::new).list()
                .ofMinSize(1).ofMaxSize(25);
    }

    @Property(tries = 60)
    void startsNeverExceedTheLimitsInAnyWindow(@ForAll("steps") List<Step> steps,
            @ForAll @IntRange(min = 1, max = 5) int jobLimit, @ForAll @IntRange(min = 1, max = 4) int keyLimit,
            @ForAll @IntRange(min = 1, max = 5) int windowSeconds, @ForAll @IntRange(min = 0, max = 3) int shape,
            @ForAll @IntRange(min = 0, max = 3) int mostPerKey) {
        PropertyDatabase db = database();
        Duration window = Duration.ofSeconds(windowSeconds);
        boolean keyed = shape >= 2;
        RateLimit jobRate = shape % 2 == 1 || !keyed ? RateLimit.of(jobLimit, window) : null;
        RateLimit keyRate = keyed ? RateLimit.of(keyLimit, window) : null;
        Integer perKey = keyed && mostPerKey > 0 ? mostPerKey : null;
        ClaimLimits limits = new ClaimLimits(null, jobRate, keyRate, perKey);
        String job = "prop.rated-" + UUID.randomUUID();
        for (int i = 0; i < 40; i++) {
            db.execute("INSERT INTO job_runs (id, job_name, workspace_id, exclusive, limit_key, created_at)"
                    + " VALUES ($1, $2, $3, false, $4, now() - interval '1 hour')", UUID.randomUUID(), job,
                    UUID.randomUUID(), keyed ? KEYS[i % KEYS.length] : null);
        }
        Instant now = Instant.now().plusSeconds(60);
        List<Run> started = new ArrayList<>();
        Map<UUID, Instant> startedAt = new HashMap<>();
        for (Step step : steps) {
            now = now.plusMillis(step.advanceMillis());
            List<Run> claimed = claimTogether(db, job, limits, now, step.firstBatch(), step.secondBatch());
            for (Run run : claimed) {
                started.add(run);
                startedAt.put(run.id(), now);
            }
            if (perKey != null) {
                for (String key : KEYS) {
                    long executing = db.pool.preparedQuery("SELECT count(*) FROM job_runs WHERE job_name = $1"
                            + " AND limit_key = $2 AND status = 'running'")
                            .execute(io.vertx.mutiny.sqlclient.Tuple.of(job, key)).await()
                            .atMost(PropertyDatabase.WAIT).iterator().next().getLong(0);
                    assertTrue(executing <= perKey, executing + " runs of key " + key + " execute at once; at most "
                            + perKey + " may");
                }
            }
            if (step.endRunning()) {
                endAll(db, job);
            }
        }
        if (jobRate != null) {
            assertWithin(started, startedAt, null, jobRate);
        }
        if (keyRate != null) {
            for (String key : KEYS) {
                assertWithin(started, startedAt, key, keyRate);
            }
        }
        // a whole window later, with every run ended, runs start again while any are queued
        endAll(db, job);
        now = now.plus(window).plusMillis(1);
        long queued = db.pool.preparedQuery("SELECT count(*) FROM job_runs WHERE job_name = $1 AND status = 'queued'")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(job)).await().atMost(PropertyDatabase.WAIT).iterator()
                .next().getLong(0);
        List<Run> again = claimTogether(db, job, limits, now, 10, 0);
        assertEquals(queued > 0, !again.isEmpty(), queued + " runs queued, a claim a window later started "
                + again.size());
    }

    /** Both replicas claim at the same instant, at once. */
    private static List<Run> claimTogether(PropertyDatabase db, String job, ClaimLimits limits, Instant now,
            int first, int second) {
        Uni<List<Run>> a = first == 0
                ? Uni.createFrom().item(List.of())
                : db.store.claimLimited("replica-a", first, job, limits, null, now);
        Uni<List<Run>> b = second == 0
                ? Uni.createFrom().item(List.of())
                : db.store.claimLimited("replica-b", second, job, limits, null, now);
        return Uni.combine().all().unis(a, b).asTuple().map(both -> {
            List<Run> all = new ArrayList<>(both.getItem1());
            all.addAll(both.getItem2());
            return all;
        }).await().atMost(PropertyDatabase.WAIT);
    }

    private static void endAll(PropertyDatabase db, String job) {
        db.execute("UPDATE job_runs SET status = 'completed', finished_at = now(), owner = owner"
                + " WHERE job_name = $1 AND status = 'running'", job);
    }

    /** Over any window ending at a start, the starts (of {@code key}; null: all) are at most the limit. */
    private static void assertWithin(List<Run> started, Map<UUID, Instant> startedAt, String key, RateLimit limit) {
        List<Instant> times = started.stream().filter(run -> key == null || key.equals(run.limitKey()))
                .map(run -> startedAt.get(run.id())).sorted().toList();
        for (int i = 0; i < times.size(); i++) {
            Instant end = times.get(i);
            long inWindow = times.stream().filter(t -> t.isAfter(end.minus(limit.window())) && !t.isAfter(end))
                    .count();
            assertTrue(inWindow <= limit.limit(), inWindow + " starts" + (key == null ? "" : " of key " + key)
                    + " in the window ending " + end + "; the limit is " + limit.limit() + " per "
                    + limit.window());
        }
    }

    private static synchronized PropertyDatabase database() {
        if (database == null) {
            database = PropertyDatabase.create("jobstream_rate_properties", 4);
        }
        return database;
    }
}
