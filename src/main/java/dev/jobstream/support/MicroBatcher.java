package dev.jobstream.support;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import io.smallrye.mutiny.Uni;

/**
 * Group commit: items submitted while one batch operation is in flight are gathered and handed to the next
 * operation together. At most one operation runs at a time, so a burst of N concurrent submissions costs a few
 * round trips instead of N. The operation returns one result per item, in order.
 */
public final class MicroBatcher<I, O> {

    private record Pending<I, O>(I item, CompletableFuture<O> result) {
    }

    private final Function<List<I>, Uni<List<O>>> operation;
    private final int maxBatch;
    private final ArrayDeque<Pending<I, O>> queue = new ArrayDeque<>();
    private boolean running;

    public MicroBatcher(int maxBatch, Function<List<I>, Uni<List<O>>> operation) {
        this.operation = operation;
        this.maxBatch = maxBatch;
    }

    public Uni<O> submit(I item) {
        return Uni.createFrom().deferred(() -> {
            CompletableFuture<O> result = new CompletableFuture<>();
            boolean start;
            synchronized (this) {
                queue.add(new Pending<>(item, result));
                start = !running;
                running = true;
            }
            if (start) {
                drain();
            }
            return Uni.createFrom().completionStage(result);
        });
    }

    private void drain() {
        List<Pending<I, O>> batch = new ArrayList<>();
        synchronized (this) {
            while (batch.size() < maxBatch && !queue.isEmpty()) {
                batch.add(queue.poll());
            }
            if (batch.isEmpty()) {
                running = false;
                return;
            }
        }
        List<I> items = batch.stream().map(Pending::item).toList();
        Uni<List<O>> results;
        try {
            results = operation.apply(items);
        } catch (RuntimeException e) {
            results = Uni.createFrom().failure(e);
        }
        results.subscribe().with(outputs -> {
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(outputs.get(i));
            }
            drain();
        }, failure -> {
            batch.forEach(p -> p.result().completeExceptionally(failure));
            drain();
        });
    }
}
