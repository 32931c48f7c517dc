package dev.jobstream.concurrent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;

/** A bean's periodic tasks run until the application stops, and not a time after. */
class PeriodicTest {

    @Test
    void everyTaskRunsUntilAllAreCancelledAndNeverAfter() {
        Vertx vertx = Vertx.vertx();
        try {
            Periodic periodic = new Periodic(vertx);
            AtomicInteger first = new AtomicInteger();
            AtomicInteger second = new AtomicInteger();
            periodic.every(Duration.ofMillis(5), first::incrementAndGet);
            periodic.every(Duration.ZERO, second::incrementAndGet); // at least a millisecond
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> first.get() >= 3 && second.get() >= 3);

            periodic.cancelAll();
            int ranFirst = first.get();
            int ranSecond = second.get();
            Awaitility.await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1))
                    .until(() -> first.get() == ranFirst && second.get() == ranSecond);
            assertTrue(ranFirst >= 3 && ranSecond >= 3);
        } finally {
            vertx.close();
        }
    }
}
