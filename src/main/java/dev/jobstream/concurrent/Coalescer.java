package dev.jobstream.concurrent;

import java.time.Duration;

import io.smallrye.mutiny.Uni;

/**
 * One task, run at most once at a time, and run again if asked meanwhile: the requests that arrive while it runs
 * coalesce into one more run after it, so N requests cost between one run and N runs, never two at once and never
 * a request left without a run that starts after it. This is the loop behind the flush of engines' events, the
 * reads of the live feed and of a run's events, micro-batched inserts and the claims of queued runs.
 * <p>
 * A run is a {@link Uni}; its item says whether there is more to do at once (a full page, a full batch), which runs
 * the task again as if it had been requested. Options: a <em>linger</em> (a run asked for while idle waits that long,
 * gathering more changes), a <em>minimum interval</em> between the starts of two runs (a rate limit), and a
 * <em>retry</em> delay after a failed run (by default a failed run waits for the next request). Runs that complete
 * at once are looped, not nested, so the stack stays flat.
 */
public final class Coalescer {

    /** One run of the task; its item is true when there is more to do at once. */
    @FunctionalInterface
    public interface Task {
        Uni<Boolean> run();
    }

    /** The timer of a coalescer that never waits: only its clock is read. */
    private static final Timer NO_TIMER = new Timer() {
        @Override
        public Cancel schedule(long delayMillis, Runnable action) {
            throw new IllegalStateException("This coalescer does not wait");
        }

        @Override
        public long now() {
            return 0;
        }
    };

    private enum State {
        IDLE, WAITING, RUNNING
    }

    private final Task task;
    private final Timer timer;
    private final long lingerMillis;
    private final long minIntervalMillis;
    /** Below zero: a failed run is not retried until the next request. */
    private final long retryMillis;

    // guarded by this
    private State state = State.IDLE;
    private boolean again;
    private boolean stopped;
    private long lastStart = Long.MIN_VALUE / 2;

    private Coalescer(Task task, Timer timer, long lingerMillis, long minIntervalMillis, long retryMillis) {
        this.task = task;
        this.timer = timer;
        this.lingerMillis = lingerMillis;
        this.minIntervalMillis = minIntervalMillis;
        this.retryMillis = retryMillis;
    }

    /** A coalescer of {@code task}, waiting on {@code timer}; set its options, then {@link Builder#build()}. */
    public static Builder of(Task task, Timer timer) {
        return new Builder(task, timer);
    }

    /** A coalescer of {@code task} that never waits: no linger, interval or retry. */
    public static Builder of(Task task) {
        return new Builder(task, null);
    }

    /**
     * Asks for a run that starts after this call: now on this thread when idle (unless a linger or the minimum
     * interval says to wait), or once the run in progress ends.
     */
    public void request() {
        long delay;
        synchronized (this) {
            if (stopped || state == State.WAITING) {
                return; // a waiting run starts after this request anyway
            }
            if (state == State.RUNNING) {
                again = true;
                return;
            }
            delay = Math.max(lingerMillis, untilInterval());
            state = delay > 0 ? State.WAITING : State.RUNNING;
        }
        if (delay > 0) {
            timer.schedule(delay, this::fire);
        } else {
            loop();
        }
    }

    /** No run starts after this (the one in progress ends as it will); later requests are ignored. */
    public void stop() {
        synchronized (this) {
            stopped = true;
        }
    }

    /** True while a run is in progress or waiting to start. */
    public synchronized boolean busy() {
        return state != State.IDLE;
    }

    private void fire() {
        synchronized (this) {
            if (stopped) {
                state = State.IDLE;
                return;
            }
            state = State.RUNNING;
        }
        loop();
    }

    /** Runs the task while it is to run again at once; returns when a run completes later, or none is due. */
    private void loop() {
        while (true) {
            synchronized (this) {
                again = false;
                lastStart = timer.now();
            }
            Completion completion = new Completion();
            Uni<Boolean> run;
            try {
                run = task.run();
            } catch (RuntimeException e) {
                run = Uni.createFrom().failure(e);
            }
            (run == null ? Uni.createFrom().item(false) : run).subscribe().with(
                    more -> completion.complete(Boolean.TRUE.equals(more), null),
                    failure -> completion.complete(false, failure));
            if (!completion.completedAtOnce() || !rerunNow(completion.more, completion.failure)) {
                return;
            }
        }
    }

    /** After a run: true to run again at once; otherwise it goes idle or waits for a timer. */
    private boolean rerunNow(boolean more, Throwable failure) {
        long delay;
        synchronized (this) {
            boolean retry = failure != null && retryMillis >= 0;
            if (stopped || !(more || again || retry)) {
                state = State.IDLE;
                return false;
            }
            delay = untilInterval();
            if (retry) {
                delay = Math.max(delay, retryMillis);
            }
            if (delay > 0) {
                state = State.WAITING;
            }
        }
        if (delay > 0) {
            timer.schedule(delay, this::fire);
            return false;
        }
        return true;
    }

    private long untilInterval() {
        return minIntervalMillis <= 0 ? 0 : Math.max(0, lastStart + minIntervalMillis - timer.now());
    }

    /** The end of one run, which either the loop (completed at once) or its callback (completed later) takes on. */
    private final class Completion {
        private boolean completed;
        private boolean detached;
        private boolean more;
        private Throwable failure;

        void complete(boolean more, Throwable failure) {
            synchronized (this) {
                this.more = more;
                this.failure = failure;
                completed = true;
                if (!detached) {
                    return; // the loop that started the run is still on the stack and goes on
                }
            }
            if (rerunNow(more, failure)) {
                loop();
            }
        }

        synchronized boolean completedAtOnce() {
            if (completed) {
                return true;
            }
            detached = true;
            return false;
        }
    }

    /** Options of a {@link Coalescer}. */
    public static final class Builder {
        private final Task task;
        private final Timer timer;
        private long lingerMillis;
        private long minIntervalMillis;
        private long retryMillis = -1;

        private Builder(Task task, Timer timer) {
            this.task = task;
            this.timer = timer;
        }

        /** A run asked for while idle starts this much later, so that changes made meanwhile go with it. */
        public Builder linger(Duration linger) {
            this.lingerMillis = linger.toMillis();
            return this;
        }

        /** Two runs start at least this far apart. */
        public Builder minInterval(Duration interval) {
            this.minIntervalMillis = interval.toMillis();
            return this;
        }

        /** A failed run is retried after this delay (by default it waits for the next request). */
        public Builder retryAfter(Duration delay) {
            this.retryMillis = delay.toMillis();
            return this;
        }

        public Coalescer build() {
            if (timer == null && (lingerMillis > 0 || minIntervalMillis > 0 || retryMillis >= 0)) {
                throw new IllegalStateException("A coalescer that waits needs a timer");
            }
            return new Coalescer(task, timer == null ? NO_TIMER : timer, lingerMillis, minIntervalMillis,
                    retryMillis);
        }
    }
}
