package dev.jobstream.sweep;

import jakarta.inject.Singleton;

import dev.jobstream.run.store.RunStore;
import dev.jobstream.spi.RateLimit;

/** The starts that rate limits count are deleted once no window reaches them: after the longest window, a day. */
@Singleton
public class StartRetention extends Retention {

    StartRetention(RunStore runs, SweepActions actions) {
        super("counted starts", 35, runs::deleteStartsBefore, RateLimit.MAX_WINDOW, "starts_deleted", actions);
    }
}
