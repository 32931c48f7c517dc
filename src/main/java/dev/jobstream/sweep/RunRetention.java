package dev.jobstream.sweep;

import jakarta.inject.Singleton;

import dev.jobstream.config.JobstreamConfig;
import dev.jobstream.run.store.RunStore;

/** Runs that ended longer than {@code jobstream.retention.runs} ago are deleted, with their events. */
@Singleton
public class RunRetention extends Retention {

    RunRetention(RunStore runs, JobstreamConfig config, SweepActions actions) {
        super("expired runs", 30, runs::deleteExpired, config.retention().runs(), "runs_deleted", actions);
    }
}
