package dev.jobstream.concurrent;

import io.vertx.core.Vertx;

/** Vert.x timers and {@link System#nanoTime()}: the {@link Timer} of the service. */
public final class VertxTimer implements Timer {

    private final Vertx vertx;

    public VertxTimer(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    public Cancel schedule(long delayMillis, Runnable action) {
        if (delayMillis <= 0) {
            vertx.runOnContext(v -> action.run());
            return () -> {
            };
        }
        long id = vertx.setTimer(delayMillis, timer -> action.run());
        return () -> vertx.cancelTimer(id);
    }

    @Override
    public long now() {
        return System.nanoTime() / 1_000_000;
    }
}
