package dev.jobstream.run;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The queue depth gauge: runs waiting in {@code queued} (claimable or backing off), counted up to
 * {@link #COUNT_LIMIT}, read every 15 s rather than at each scrape.
 */
@Singleton
public class QueueDepth {

    static final int COUNT_LIMIT = 1_000_000;
    static final String COUNT = "SELECT count(*) FROM (SELECT 1 FROM job_runs WHERE status = 'queued' LIMIT $1) q";

    private final Pool pool;
    private final AtomicLong queued = new AtomicLong();

    QueueDepth(Pool pool, MeterRegistry metrics) {
        this.pool = pool;
        Gauge.builder("jobstream.runs.queued", queued, AtomicLong::get)
                .description("Queued runs (all replicas), read every 15 s").register(metrics);
    }

    @Scheduled(every = "15s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return pool.preparedQuery(COUNT).execute(Tuple.of(COUNT_LIMIT))
                .invoke(rows -> queued.set(rows.iterator().next().getLong(0)))
                .replaceWithVoid().onFailure().recoverWithNull();
    }
}
