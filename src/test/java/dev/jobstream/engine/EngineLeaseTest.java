package dev.jobstream.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

import dev.jobstream.attempt.AttemptSpan;
import dev.jobstream.concurrent.Timer;
import dev.jobstream.run.Run;
import dev.jobstream.run.RunStatus;
import dev.jobstream.spi.FencingToken;
import dev.jobstream.spi.JobContext;
import dev.jobstream.spi.JobHandler;
import io.smallrye.mutiny.Uni;

/**
 * Lease self-fencing, on a clock of the test's: a job whose replica's heartbeats have not reached the database for the
 * lease holds at its next checkpoint, and goes on once one does; a stopped engine's holding job stops.
 */
class EngineLeaseTest {

    private static final Duration LEASE = Duration.ofSeconds(8);

    /** A clock that moves when the test says; nothing is ever scheduled on it here but the pause hold. */
    static final class Clock implements Timer {
        long now;

        @Override
        public Cancel schedule(long delayMillis, Runnable action) {
            return () -> {
            }; // the pause hold and timeouts are not exercised here
        }

        @Override
        public long now() {
            return now;
        }
    }

    @Test
    void aJobHoldsAtItsCheckpointOnceTheLeaseRunsOutAndGoesOnWhenAHeartbeatRenewsIt() {
        Clock clock = new Clock();
        Engine engine = engine(clock);
        assertTrue(engine.checkpoint().subscribeAsCompletionStage().isDone(), "within the lease: no wait");

        long beforeSilence = clock.now;
        clock.now += LEASE.toMillis() + 1;
        CompletableFuture<Void> held = engine.checkpoint().subscribeAsCompletionStage();
        assertFalse(held.isDone(), "no heartbeat for the lease: the job holds");
        assertNotNull(engine.haltedAt());

        engine.renewLease(beforeSilence);
        assertFalse(held.isDone(), "a heartbeat sent before the silence renews nothing");
        engine.renewLease(clock.now);
        assertTrue(held.isDone(), "a heartbeat reached the database: the job goes on");
        assertNull(engine.haltedAt());
    }

    @Test
    void aHoldingJobStopsWhenItsEngineStops() {
        Clock clock = new Clock();
        Engine engine = engine(clock);
        clock.now += LEASE.toMillis() + 1;
        CompletableFuture<Void> held = engine.checkpoint().subscribeAsCompletionStage();
        assertFalse(held.isDone());

        engine.stop(Engine.SHUTDOWN);
        CompletionException stopped = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                held::join);
        assertTrue(stopped.getCause() instanceof Engine.RunStopped, String.valueOf(stopped.getCause()));
    }

    @Test
    void theJobReadsItsFencingToken() {
        Engine engine = engine(new Clock());
        assertEquals(new FencingToken(engine.run().id(), 3), engine.fencingToken());
    }

    private static Engine engine(Timer clock) {
        Run run = new Run(UUID.randomUUID(), "test.lease", UUID.randomUUID(), RunStatus.RUNNING, "running", false,
                Map.of(), null, null, null, List.of(), 0, null, 3, 3, "test", null, "here", Instant.now(),
                Instant.now(), Instant.now(), null, Instant.now(), Instant.now(), null, null, null, 0, null, null,
                null, null, List.of(), null, null, null, null, null, null, false, false, false, 0, null);
        JobHandler handler = new JobHandler() {
            @Override
            public String name() {
                return "test.lease";
            }

            @Override
            public Uni<Map<String, Object>> run(JobContext context) {
                return Uni.createFrom().nothing();
            }
        };
        return new Engine(run, handler, null, clock,
                new Engine.Limits(100, Duration.ofMinutes(10), LEASE, Duration.ofSeconds(30), Duration.ofDays(1)),
                AttemptSpan.NONE, null, "here");
    }
}
