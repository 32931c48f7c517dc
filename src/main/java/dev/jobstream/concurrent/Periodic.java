package dev.jobstream.concurrent;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.vertx.core.Vertx;

/**
 * The periodic tasks of one bean, on Vert.x timers, all cancelled together when the application stops. Vert.x
 * outlives the application in dev mode (a live reload starts a new one on the same Vert.x): a timer left running
 * would call, after the reload, into beans that are gone.
 */
public final class Periodic {

    private final Vertx vertx;
    private final List<Long> timers = new CopyOnWriteArrayList<>();

    public Periodic(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Runs {@code task} every {@code interval} (at least a millisecond) until {@link #cancelAll}. */
    public void every(Duration interval, Runnable task) {
        timers.add(vertx.setPeriodic(Math.max(1, interval.toMillis()), id -> task.run()));
    }

    /** Cancels every task. */
    public void cancelAll() {
        timers.forEach(vertx::cancelTimer);
        timers.clear();
    }
}
