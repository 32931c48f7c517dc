package dev.jobstream.pg;

import jakarta.inject.Singleton;

import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;

/**
 * Whether this process has brought the database's schema up to its build's (the migrations at start-up). A scheduled
 * task skips its runs until then ({@code @Scheduled(skipExecutionIf = Schema.class)}): a tick during start-up would
 * otherwise read tables that do not exist yet and log that it failed.
 */
@Singleton
public class Schema implements Scheduled.SkipPredicate {

    private volatile boolean ready;

    /** The migrations are applied. */
    public void ready() {
        ready = true;
    }

    public boolean isReady() {
        return ready;
    }

    @Override
    public boolean test(ScheduledExecution execution) {
        return !ready;
    }
}
