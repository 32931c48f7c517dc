package dev.jobstream.sweep;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The counter {@code jobstream.sweeper.actions{action}} that maintenance tasks add what they did to. */
@Singleton
public class SweepActions {

    private final MeterRegistry meters;

    SweepActions(MeterRegistry meters) {
        this.meters = meters;
    }

    /** Adds {@code n} (when positive) to the count of {@code action}. */
    public void count(String action, int n) {
        if (n > 0) {
            Counter.builder("jobstream.sweeper.actions").description("What the sweeper of this replica did")
                    .tag("action", action).register(meters).increment(n);
        }
    }
}
