package dev.jobstream.concurrent;

import io.vertx.core.Vertx;

/** Vert.x timers and {@link System#nanoTime()}: the {@link Timer} of the service. */
public final class VertxTimer implements Timer {

    private final Vertx vertx;

    public VertxTimer(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    public void schedule(long delayMillis, Runnable action) {
        if (delayMillis <= 0) {
            vertx.runOnContext(v -> action.run());
        } else {
            vertx.setTimer(delayMillis, id -> action.run());
        }
    }

    @Override
    public long now() {
        return System.nanoTime() / 1_000_000;
    }
}
