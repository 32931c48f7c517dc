package dev.jobstream.concurrent;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * At most {@code size} operations at a time; the others wait their turn, in order, without holding a thread or a
 * connection. An operation holds its permit from its start until its {@code Uni} ends — with an item, a failure or a
 * cancellation; an operation cancelled while it waits never starts and holds nothing.
 */
public final class Permits {

    private final int size;
    // guarded by this
    private int used;
    private final ArrayDeque<CompletableFuture<Void>> waiting = new ArrayDeque<>();

    public Permits(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be at least 1: " + size);
        }
        this.size = size;
    }

    /** Runs {@code operation} once a permit is free, and frees the permit when the operation's Uni ends. */
    public <T> Uni<T> run(Supplier<Uni<T>> operation) {
        return Uni.createFrom().deferred(() -> {
            CompletableFuture<Void> granted = new CompletableFuture<>();
            synchronized (this) {
                if (used < size) {
                    used++;
                    granted.complete(null);
                } else {
                    waiting.add(granted);
                }
            }
            AtomicBoolean ended = new AtomicBoolean();
            return Uni.createFrom().completionStage(granted)
                    .onItem().transformToUni(v -> operation.get())
                    .onTermination().invoke(() -> {
                        // cancel() fails only on a permit that was granted: that one goes back
                        if (!granted.cancel(false) && ended.compareAndSet(false, true)) {
                            release();
                        }
                    });
        });
    }

    /** Operations running now. */
    public synchronized int used() {
        return used;
    }

    /**
     * Hands the permit to the next operation still waiting (which starts on this thread, outside the lock), or frees
     * it.
     */
    private void release() {
        while (true) {
            CompletableFuture<Void> next;
            synchronized (this) {
                next = waiting.poll();
                if (next == null) {
                    used--;
                    return;
                }
            }
            if (next.complete(null)) {
                return; // a waiter cancelled meanwhile is passed over
            }
        }
    }
}
