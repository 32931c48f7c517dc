package dev.jobstream.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

class MicroBatcherTest {

    private static final Duration AT_MOST = Duration.ofSeconds(5);

    @Test
    void itemsSubmittedDuringAnOperationGoTogetherIntoTheNext() {
        List<List<Integer>> batches = new ArrayList<>();
        List<UniEmitter<? super List<Integer>>> operations = new ArrayList<>();
        MicroBatcher<Integer, Integer> batcher = new MicroBatcher<>(100, 1000, items -> {
            batches.add(items);
            return Uni.createFrom().emitter(operations::add);
        });
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            results.add(batcher.submit(i).subscribeAsCompletionStage());
        }
        assertEquals(List.of(List.of(0), List.of(1, 2, 3, 4)), List.of(batches.get(0), remaining(operations, batches)));
        results.forEach(r -> assertTrue(r.isDone()));
        assertEquals(List.of(0, 10, 20, 30, 40), results.stream().map(CompletableFuture::join).toList());
    }

    /** Completes the first operation (doubling nothing: items × 10) and the one it started; answers that batch. */
    private static List<Integer> remaining(List<UniEmitter<? super List<Integer>>> operations,
            List<List<Integer>> batches) {
        operations.get(0).complete(batches.get(0).stream().map(i -> i * 10).toList());
        operations.get(1).complete(batches.get(1).stream().map(i -> i * 10).toList());
        return batches.get(1);
    }

    @Test
    void anOperationWithTooFewResultsFailsItsItemsAndTheNextBatchGoesOn() {
        boolean[] shortChanged = {true};
        MicroBatcher<Integer, Integer> batcher = new MicroBatcher<>(10, 1000, items -> {
            if (shortChanged[0]) {
                shortChanged[0] = false;
                return Uni.createFrom().item(items.subList(0, items.size() - 1));
            }
            return Uni.createFrom().item(items);
        });
        CompletionException failed = assertThrows(CompletionException.class,
                () -> batcher.submit(1).subscribeAsCompletionStage().join());
        assertInstanceOf(IllegalStateException.class, failed.getCause());
        assertEquals(2, batcher.submit(2).await().atMost(AT_MOST));
    }

    @Test
    void aThrowingOperationFailsItsItemsAndTheNextBatchGoesOn() {
        boolean[] thrown = {false};
        MicroBatcher<Integer, Integer> batcher = new MicroBatcher<>(10, 1000, items -> {
            if (!thrown[0]) {
                thrown[0] = true;
                throw new IllegalArgumentException("bad batch");
            }
            return Uni.createFrom().item(items);
        });
        assertThrows(CompletionException.class, () -> batcher.submit(1).subscribeAsCompletionStage().join());
        assertEquals(3, batcher.submit(3).await().atMost(AT_MOST));
    }

    @Test
    void submissionsBeyondTheBoundAreRefusedAtOnce() {
        List<UniEmitter<? super List<Integer>>> operations = new ArrayList<>();
        MicroBatcher<Integer, Integer> batcher = new MicroBatcher<>(2, 3,
                items -> Uni.createFrom().emitter(operations::add));
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            results.add(batcher.submit(i).subscribeAsCompletionStage());
        }
        // item 0 is in the operation; 1, 2, 3 wait; 4 is one too many
        assertEquals(3, batcher.waiting());
        CompletionException refused = assertThrows(CompletionException.class, () -> results.get(4).join());
        assertInstanceOf(Overloaded.class, refused.getCause());
        operations.get(0).complete(List.of(0));
        operations.get(1).complete(List.of(1, 2));
        operations.get(2).complete(List.of(3));
        assertEquals(List.of(0, 1, 2, 3), results.subList(0, 4).stream().map(CompletableFuture::join).toList());
        assertEquals(0, batcher.waiting());
    }
}
