package dev.jobstream.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The {@link Coalescer}'s promises, over random interleavings of requests, run completions (at once or later; with
 * more to do, done, or failed) and the passing of time, on a manual clock: never two runs at once, every request
 * followed by a run that starts after it, no run that nothing asked for, and the linger, minimum interval and retry
 * delay kept.
 */
class CoalescerProperties {

    /** What a run does when it starts: complete at once (done, more, failed) or wait for the test to complete it. */
    enum Plan {
        DONE, MORE, FAIL, LATER
    }

    /** What the test does next. */
    enum Step {
        REQUEST, COMPLETE_DONE, COMPLETE_MORE, COMPLETE_FAIL, WAIT_A_LITTLE, WAIT_LONG
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        return Arbitraries.of(Step.class).list().ofMinSize(1).ofMaxSize(200);
    }

    @Provide
    Arbitrary<List<Plan>> plans() {
        return Arbitraries.of(Plan.class).list().ofMaxSize(200);
    }

    @Property(tries = 500)
    void runsNeverOverlapAndEveryRequestIsServed(@ForAll("steps") List<Step> steps, @ForAll("plans") List<Plan> plans,
            @ForAll @IntRange(min = 0, max = 3) int lingerMillis,
            @ForAll @IntRange(min = 0, max = 20) int intervalMillis,
            @ForAll boolean retry) {
        Harness h = new Harness(plans, lingerMillis, intervalMillis, retry ? 15 : -1);
        for (Step step : steps) {
            switch (step) {
                case REQUEST -> h.request();
                case COMPLETE_DONE -> h.completeLater(false, false);
                case COMPLETE_MORE -> h.completeLater(true, false);
                case COMPLETE_FAIL -> h.completeLater(false, true);
                case WAIT_A_LITTLE -> h.timer.advance(2);
                case WAIT_LONG -> h.timer.advance(25);
            }
        }
        h.settle();

        assertFalse(h.coalescer.busy(), "idle once everything completed");
        if (h.lastRequest >= 0) {
            assertTrue(h.lastStart > h.lastRequest, "the last request is followed by a run");
        }
        assertTrue(h.starts.size() <= h.requests + h.mores + (retry ? h.failures : 0),
                "runs " + h.starts.size() + " ≤ requests " + h.requests + " + more " + h.mores + " + retries");
        for (int i = 1; i < h.starts.size(); i++) {
            assertTrue(h.starts.get(i) - h.starts.get(i - 1) >= intervalMillis, "minimum interval between starts");
        }
        if (!h.starts.isEmpty()) {
            assertTrue(h.starts.get(0) >= h.firstRequestAt + lingerMillis, "the first run lingers");
        }
    }

    @Property(tries = 50)
    void runsThatCompleteAtOnceAreLoopedNotNested(@ForAll @IntRange(min = 1, max = 200_000) int runs) {
        int[] left = {runs};
        int[] started = {0};
        Coalescer coalescer = Coalescer.of(() -> {
            started[0]++;
            return Uni.createFrom().item(--left[0] > 0);
        }).build();
        coalescer.request();
        assertEquals(runs, started[0]);
        assertFalse(coalescer.busy());
    }

    @Property(tries = 100)
    void aStoppedCoalescerStartsNothing(@ForAll @Size(max = 20) List<Boolean> requestsBeforeStop) {
        int[] started = {0};
        List<UniEmitter<? super Boolean>> pending = new ArrayList<>();
        Coalescer coalescer = Coalescer.of(() -> {
            started[0]++;
            return Uni.createFrom().emitter(pending::add);
        }).build();
        requestsBeforeStop.forEach(r -> coalescer.request());
        int before = started[0];
        coalescer.stop();
        coalescer.request();
        pending.forEach(e -> e.complete(true));
        assertEquals(before, started[0]);
        assertFalse(coalescer.busy());
    }

    /** The coalescer under test, its task and what was seen. */
    static final class Harness {
        final ManualTimer timer = new ManualTimer();
        final Deque<Plan> plans;
        final Coalescer coalescer;
        final List<Long> starts = new ArrayList<>();
        UniEmitter<? super Boolean> running;
        int active;
        long sequence;
        long lastRequest = -1;
        long lastStart = -1;
        long firstRequestAt = -1;
        int requests;
        int mores;
        int failures;

        Harness(List<Plan> plans, int lingerMillis, int intervalMillis, int retryMillis) {
            this.plans = new ArrayDeque<>(plans);
            Coalescer.Builder builder = Coalescer.of(this::run, timer).linger(Duration.ofMillis(lingerMillis))
                    .minInterval(Duration.ofMillis(intervalMillis));
            if (retryMillis >= 0) {
                builder.retryAfter(Duration.ofMillis(retryMillis));
            }
            this.coalescer = builder.build();
        }

        void request() {
            requests++;
            lastRequest = ++sequence;
            if (firstRequestAt < 0) {
                firstRequestAt = timer.now();
            }
            coalescer.request();
        }

        private Uni<Boolean> run() {
            assertEquals(0, active, "a run started while another was in progress");
            active++;
            lastStart = ++sequence;
            starts.add(timer.now());
            Plan plan = plans.isEmpty() ? Plan.DONE : plans.poll();
            return switch (plan) {
                case DONE -> ended(Uni.createFrom().item(false));
                case MORE -> {
                    mores++;
                    yield ended(Uni.createFrom().item(true));
                }
                case FAIL -> {
                    failures++;
                    yield ended(Uni.createFrom().failure(new IllegalStateException("planned")));
                }
                case LATER -> Uni.createFrom().emitter(emitter -> running = emitter);
            };
        }

        private Uni<Boolean> ended(Uni<Boolean> outcome) {
            active--;
            return outcome;
        }

        void completeLater(boolean more, boolean fail) {
            UniEmitter<? super Boolean> emitter = running;
            if (emitter == null) {
                return;
            }
            running = null;
            active--;
            if (fail) {
                failures++;
                emitter.fail(new IllegalStateException("planned"));
            } else {
                if (more) {
                    mores++;
                }
                emitter.complete(more);
            }
        }

        /** Completes whatever runs and lets time pass until the coalescer is idle. */
        void settle() {
            plans.clear();
            for (int i = 0; i < 10_000 && (coalescer.busy() || !timer.idle()); i++) {
                completeLater(false, false);
                timer.advance(50);
            }
        }
    }
}
