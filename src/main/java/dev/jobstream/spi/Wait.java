package dev.jobstream.spi;

import java.util.List;
import java.util.UUID;

/**
 * The job's run waits for other runs — most often the children it triggered — without using up an attempt: failing
 * with it ends the attempt, and the run comes back as its next attempt once they have all ended, with one attempt more
 * allowed; that attempt reads them in {@link JobContext#dependencies()}. Use {@link JobContext#waitFor(List)}, which
 * records what the run waits for before it fails with this.
 */
public final class Wait extends RuntimeException {

    private final List<UUID> runs;

    public Wait(List<UUID> runs) {
        super("waits for " + runs.size() + " runs", null, false, false);
        this.runs = List.copyOf(runs);
    }

    public List<UUID> runs() {
        return runs;
    }
}
