package dev.jobstream.concurrent;

import java.util.Comparator;
import java.util.PriorityQueue;

/** A {@link Timer} whose clock moves only when the test says so; due actions run in time order on the caller. */
final class ManualTimer implements Timer {

    private record Due(long at, long order, Runnable action) {
    }

    private final PriorityQueue<Due> queue = new PriorityQueue<>(
            Comparator.comparingLong(Due::at).thenComparingLong(Due::order));
    private long now;
    private long order;

    @Override
    public synchronized Cancel schedule(long delayMillis, Runnable action) {
        Due due = new Due(now + Math.max(0, delayMillis), order++, action);
        queue.add(due);
        return () -> {
            synchronized (this) {
                queue.remove(due);
            }
        };
    }

    @Override
    public synchronized long now() {
        return now;
    }

    /** Moves the clock forward by {@code millis}, running each action when its time comes. */
    void advance(long millis) {
        long until;
        synchronized (this) {
            until = now + millis;
        }
        while (true) {
            Due due;
            synchronized (this) {
                Due next = queue.peek();
                if (next == null || next.at() > until) {
                    now = until;
                    return;
                }
                due = queue.poll();
                now = Math.max(now, due.at());
            }
            due.action().run();
        }
    }

    synchronized boolean idle() {
        return queue.isEmpty();
    }
}
