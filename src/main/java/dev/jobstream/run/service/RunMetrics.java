package dev.jobstream.run.service;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

import dev.jobstream.run.RunStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The run counters and durations this replica exports at {@code /q/metrics}: runs triggered through it, and runs
 * that ended by its engines, its control requests or its sweeper, per job and final state.
 */
@Singleton
public class RunMetrics {

    private final MeterRegistry registry;
    /** The meters of each job (and final state), built once: runs end thousands of times a second. */
    private final Map<String, Counter> triggered = new ConcurrentHashMap<>();
    private final Map<Outcome, Counter> finished = new ConcurrentHashMap<>();
    private final Map<Outcome, Timer> durations = new ConcurrentHashMap<>();
    private final Map<String, Counter> retried = new ConcurrentHashMap<>();
    private final Map<Outcome, Counter> ticks = new ConcurrentHashMap<>();

    private record Outcome(String job, RunStatus status) {
    }

    RunMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A run of {@code job} was inserted. */
    public void triggered(String job) {
        triggered.computeIfAbsent(job, name -> Counter.builder("jobstream.runs.triggered")
                .description("Runs triggered through this replica").tag("job", name).register(registry))
                .increment();
    }

    /** An attempt of a run of {@code job} failed and the run was queued for its next attempt. */
    public void retried(String job) {
        retried.computeIfAbsent(job, name -> Counter.builder("jobstream.runs.retried")
                .description("Failed attempts this replica's engines queued for another attempt").tag("job", name)
                .register(registry)).increment();
    }

    /** A schedule's tick of {@code job} made a run ({@code queued}) or a {@code skipped} one. */
    public void ticked(String job, RunStatus status) {
        ticks.computeIfAbsent(new Outcome(job, status), o -> Counter.builder("jobstream.schedules.ticks")
                .description("Schedule ticks this replica fired, by what they made")
                .tag("job", o.job()).tag("outcome", o.status().value()).register(registry)).increment();
    }

    /** A run of {@code job} ended {@code status} after {@code duration} (null if it never started). */
    public void finished(String job, RunStatus status, Duration duration) {
        Outcome outcome = new Outcome(job, status);
        finished.computeIfAbsent(outcome, o -> Counter.builder("jobstream.runs.finished")
                .description("Runs ended by this replica, by final state")
                .tag("job", o.job()).tag("status", o.status().value()).register(registry)).increment();
        if (duration != null) {
            durations.computeIfAbsent(outcome, o -> Timer.builder("jobstream.run.duration")
                    .description("Duration of runs ended by this replica")
                    .tag("job", o.job()).tag("status", o.status().value()).publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofHours(6))
                    .register(registry)).record(duration);
        }
    }
}
