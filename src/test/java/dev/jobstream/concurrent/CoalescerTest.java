package dev.jobstream.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/** The {@link Coalescer} under real threads: requests from many threads, runs that complete on others. */
class CoalescerTest {

    @Test
    void concurrentRequestsNeverOverlapAndTheLastOneIsServed() throws Exception {
        AtomicInteger active = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicLong sequence = new AtomicLong();
        AtomicLong lastStart = new AtomicLong(-1);
        AtomicInteger runs = new AtomicInteger();
        ExecutorService completions = Executors.newFixedThreadPool(2);
        Coalescer coalescer = Coalescer.of(() -> {
            if (active.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            runs.incrementAndGet();
            lastStart.set(sequence.incrementAndGet());
            return Uni.createFrom().<Boolean>emitter(emitter -> completions.execute(() -> {
                active.decrementAndGet();
                emitter.complete(ThreadLocalRandom.current().nextInt(10) == 0);
            }));
        }).build();

        int threads = 4;
        int perThread = 20_000;
        List<Thread> requesters = new ArrayList<>();
        AtomicLong lastRequest = new AtomicLong();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    lastRequest.accumulateAndGet(sequence.incrementAndGet(), Math::max);
                    coalescer.request();
                }
            });
            requesters.add(thread);
            thread.start();
        }
        for (Thread thread : requesters) {
            thread.join();
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !coalescer.busy());
        completions.shutdown();
        assertTrue(completions.awaitTermination(5, TimeUnit.SECONDS));

        assertEquals(0, overlaps.get(), "runs overlapped");
        assertTrue(lastStart.get() > lastRequest.get(), "a run started after the last request");
        assertTrue(runs.get() < threads * perThread, "requests coalesced: " + runs.get() + " runs");
    }

    @Test
    void aFailedRunIsRetriedAfterItsDelayOnlyWhenAsked() {
        ManualTimer timer = new ManualTimer();
        AtomicInteger runs = new AtomicInteger();
        Coalescer retrying = Coalescer.of(() -> {
            runs.incrementAndGet();
            return runs.get() < 3
                    ? Uni.createFrom().failure(new IllegalStateException("down"))
                    : Uni.createFrom().item(false);
        }, timer).retryAfter(Duration.ofMillis(500)).build();
        retrying.request();
        assertEquals(1, runs.get());
        timer.advance(499);
        assertEquals(1, runs.get(), "not before the retry delay");
        timer.advance(1);
        assertEquals(2, runs.get());
        timer.advance(500);
        assertEquals(3, runs.get());
        timer.advance(10_000);
        assertEquals(3, runs.get(), "done once it succeeded");
    }

    @Test
    void runsOnTheWorkerPoolCompleteAndCoalesce() {
        AtomicInteger runs = new AtomicInteger();
        Coalescer coalescer = Coalescer.of(() -> Uni.createFrom().item(() -> {
            runs.incrementAndGet();
            return false;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())).build();
        for (int i = 0; i < 1000; i++) {
            coalescer.request();
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !coalescer.busy());
        assertTrue(runs.get() >= 1 && runs.get() <= 1000);
    }
}
