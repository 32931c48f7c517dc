package dev.jobstream.run.service;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Singleton;

import dev.jobstream.pg.Schema;
import dev.jobstream.run.store.RunStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * The queue's gauges, read every 15 s rather than at each scrape: runs waiting in {@code queued} (claimable or backing
 * off), counted up to {@link #COUNT_LIMIT}, and how long the oldest due one has waited since it became due (0: none
 * is due) — a queue can be short and stuck.
 */
@Singleton
public class QueueDepth {

    static final int COUNT_LIMIT = 1_000_000;
    private final RunStore runs;
    private final AtomicLong queued = new AtomicLong();
    private final AtomicReference<Double> oldestDue = new AtomicReference<>(0.0);

    QueueDepth(RunStore runs, MeterRegistry metrics) {
        this.runs = runs;
        Gauge.builder("jobstream.runs.queued", queued, AtomicLong::get)
                .description("Queued runs (all replicas), read every 15 s").register(metrics);
        Gauge.builder("jobstream.runs.due.age", oldestDue, AtomicReference::get).baseUnit("seconds")
                .description("How long the oldest due queued run has waited since it became due (0: none is),"
                        + " read every 15 s")
                .register(metrics);
    }

    @Scheduled(every = "15s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Schema.class)
    Uni<Void> refresh() {
        return runs.queueDepth(COUNT_LIMIT).invoke(sample -> {
            queued.set(sample.queued());
            oldestDue.set(sample.oldestDueSeconds());
        }).replaceWithVoid().onFailure().recoverWithNull();
    }
}
