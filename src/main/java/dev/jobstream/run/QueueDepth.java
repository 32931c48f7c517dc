package dev.jobstream.run;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * The queue depth gauge: runs waiting in {@code queued} (claimable or backing off), counted up to
 * {@link #COUNT_LIMIT}, read every 15 s rather than at each scrape.
 */
@Singleton
public class QueueDepth {

    static final int COUNT_LIMIT = 1_000_000;
    private final RunStore runs;
    private final AtomicLong queued = new AtomicLong();

    QueueDepth(RunStore runs, MeterRegistry metrics) {
        this.runs = runs;
        Gauge.builder("jobstream.runs.queued", queued, AtomicLong::get)
                .description("Queued runs (all replicas), read every 15 s").register(metrics);
    }

    @Scheduled(every = "15s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return runs.countQueued(COUNT_LIMIT).invoke(queued::set)
                .replaceWithVoid().onFailure().recoverWithNull();
    }
}
