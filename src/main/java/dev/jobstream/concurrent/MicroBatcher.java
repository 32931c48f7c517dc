package dev.jobstream.concurrent;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import io.smallrye.mutiny.Uni;

/**
 * Group commit: items submitted while one batch operation is in flight are gathered and handed to the next
 * operation together. At most one operation runs at a time (a {@link Coalescer}), so a burst of N concurrent
 * submissions costs a few round trips instead of N. The operation returns one result per item, in order; if it
 * returns another number of results, every item of that batch fails and the next batch goes on. At most
 * {@code maxQueued} items wait: beyond, a submission fails at once with {@link Overloaded}.
 */
public final class MicroBatcher<I, O> {

    private record Pending<I, O>(I item, CompletableFuture<O> result) {
    }

    private final Function<List<I>, Uni<List<O>>> operation;
    private final int maxBatch;
    private final int maxQueued;
    private final ArrayDeque<Pending<I, O>> queue = new ArrayDeque<>();
    private final Coalescer drain;

    public MicroBatcher(int maxBatch, int maxQueued, Function<List<I>, Uni<List<O>>> operation) {
        this.operation = operation;
        this.maxBatch = maxBatch;
        this.maxQueued = maxQueued;
        this.drain = Coalescer.of(this::next).build();
    }

    public Uni<O> submit(I item) {
        return Uni.createFrom().deferred(() -> {
            CompletableFuture<O> result = new CompletableFuture<>();
            synchronized (queue) {
                if (queue.size() >= maxQueued) {
                    return Uni.createFrom().failure(new Overloaded(queue.size() + " items are waiting already"));
                }
                queue.add(new Pending<>(item, result));
            }
            drain.request();
            return Uni.createFrom().completionStage(result);
        });
    }

    /** Items waiting for an operation. */
    public int waiting() {
        synchronized (queue) {
            return queue.size();
        }
    }

    /** Hands the next batch to the operation; more to do if items are still waiting after it. */
    private Uni<Boolean> next() {
        List<Pending<I, O>> batch = new ArrayList<>();
        synchronized (queue) {
            while (batch.size() < maxBatch && !queue.isEmpty()) {
                batch.add(queue.poll());
            }
        }
        if (batch.isEmpty()) {
            return Uni.createFrom().item(false);
        }
        Uni<List<O>> results;
        try {
            results = operation.apply(batch.stream().map(Pending::item).toList());
        } catch (RuntimeException e) {
            results = Uni.createFrom().failure(e);
        }
        return results.onItemOrFailure().transform((outputs, failure) -> {
            Throwable cause = failure;
            if (cause == null && (outputs == null || outputs.size() != batch.size())) {
                cause = new IllegalStateException("The batch operation returned "
                        + (outputs == null ? "no" : Integer.toString(outputs.size())) + " results for "
                        + batch.size() + " items");
            }
            for (int i = 0; i < batch.size(); i++) {
                if (cause == null) {
                    batch.get(i).result().complete(outputs.get(i));
                } else {
                    batch.get(i).result().completeExceptionally(cause);
                }
            }
            synchronized (queue) {
                return !queue.isEmpty();
            }
        });
    }
}
