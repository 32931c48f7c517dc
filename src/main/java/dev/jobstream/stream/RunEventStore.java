package dev.jobstream.stream;

import java.util.List;
import java.util.UUID;

import io.smallrye.mutiny.Uni;

/** Where a run's events are read from: the run's own store, which derives its lifecycle events from its row. */
public interface RunEventStore {

    /** Up to {@code limit} events of the run with a sequence number above {@code after}, in order, gap-free. */
    Uni<List<RunEvent>> after(UUID runId, int after, int limit);
}
