package dev.jobstream.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.UniEmitter;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link Permits}' promises over random interleavings of operations asked for, completed, failed and cancelled
 * (waiting or running): never more than its size at once, no operation waiting while a permit is free, operations
 * started in the order they were asked for, and one that was cancelled while it waited never started.
 */
class PermitsProperties {

    enum Step {
        ASK, SUCCEED, FAIL, CANCEL_RUNNING, CANCEL_WAITING
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        return Arbitraries.of(Step.class).list().ofMinSize(1).ofMaxSize(300);
    }

    @Property(tries = 500)
    void neverMoreThanItsSizeAndNoneWaitsForAFreePermit(@ForAll("steps") List<Step> steps,
            @ForAll @IntRange(min = 1, max = 4) int size, @ForAll @IntRange(min = 0, max = 1000) int pick) {
        Permits permits = new Permits(size);
        Map<Integer, UniEmitter<? super String>> running = new TreeMap<>();
        Map<Integer, Cancellable> waiting = new TreeMap<>();
        Map<Integer, Cancellable> subscriptions = new TreeMap<>();
        List<Integer> started = new ArrayList<>();
        List<Integer> cancelledWaiting = new ArrayList<>();
        int asked = 0;
        int index = pick;
        for (Step step : steps) {
            index = index * 31 + 7;
            switch (step) {
                case ASK -> {
                    int id = asked++;
                    waiting.put(id, null);
                    subscriptions.put(id, permits.run(() -> Uni.createFrom().<String>emitter(emitter -> {
                        waiting.remove(id);
                        started.add(id);
                        running.put(id, emitter);
                    })).subscribe().with(item -> running.remove(id), failure -> running.remove(id)));
                }
                case SUCCEED, FAIL, CANCEL_RUNNING -> {
                    if (!running.isEmpty()) {
                        int id = List.copyOf(running.keySet()).get(Math.floorMod(index, running.size()));
                        if (step == Step.SUCCEED) {
                            running.get(id).complete("done");
                        } else if (step == Step.FAIL) {
                            running.get(id).fail(new IllegalStateException("failed"));
                        } else {
                            running.remove(id);
                            subscriptions.get(id).cancel();
                        }
                    }
                }
                case CANCEL_WAITING -> {
                    if (!waiting.isEmpty()) {
                        int id = List.copyOf(waiting.keySet()).get(Math.floorMod(index, waiting.size()));
                        waiting.remove(id);
                        cancelledWaiting.add(id);
                        subscriptions.get(id).cancel();
                    }
                }
            }
            assertTrue(running.size() <= size, "at most " + size + " at once: " + running.keySet());
            assertEquals(running.size(), permits.used(), "the permits in use are the operations running");
            assertTrue(waiting.isEmpty() || running.size() == size,
                    "none waits while a permit is free: waiting " + waiting.keySet() + ", running " + running.keySet());
        }
        List<Integer> inOrder = new ArrayList<>(started);
        inOrder.sort(null);
        assertEquals(inOrder, started, "started in the order asked for");
        assertTrue(cancelledWaiting.stream().noneMatch(started::contains), "a cancelled waiter never started");
    }
}
