package dev.jobstream.stats;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** The sweep's roll-up of ended runs, run by a test when it needs the runs it ended counted now. */
public final class RollUps {

    private RollUps() {
    }

    /** Passes until the rollup is up to now (a fresh database's mark is 8 days behind). */
    public static void toNow(StatsStore rollup) {
        for (int pass = 0; pass < 1_000; pass++) {
            StatsStore.RollUp done = rollup.rollUp(Duration.ZERO).await().atMost(Duration.ofSeconds(10));
            if (!done.behind() && !done.skipped()) {
                return;
            }
            if (done.skipped()) {
                LockSupport.parkNanos(Duration.ofMillis(5).toNanos()); // the sweep's pass holds the mark, briefly
            }
        }
        throw new AssertionError("the roll-up did not catch up in 1,000 passes");
    }
}
