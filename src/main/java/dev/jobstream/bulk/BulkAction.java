package dev.jobstream.bulk;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import dev.jobstream.refusal.Invalid;
import dev.jobstream.run.RunStatus;

/** What a bulk request does to each run it selects, and which statuses it may select (the first by default). */
public enum BulkAction {

    /** Puts failed (or cancelled) runs back in the queue as their next attempt. */
    RETRY(RunStatus.FAILED, RunStatus.CANCELLED),
    /** Cancels runs waiting in the queue: due, scheduled for later, or waiting to be retried. */
    CANCEL(RunStatus.QUEUED);

    private final List<RunStatus> statuses;

    BulkAction(RunStatus... statuses) {
        this.statuses = List.of(statuses);
    }

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The action named {@code value}; invalid naming the ones there are. */
    public static BulkAction of(String value) {
        return Arrays.stream(values()).filter(action -> action.value().equals(value)).findFirst()
                .orElseThrow(() -> new Invalid("'action' must be retry or cancel"));
    }

    /** The status asked for ({@code null}: the action's default); invalid for one the action cannot act on. */
    public RunStatus status(String value) {
        if (value == null) {
            return statuses.get(0);
        }
        return statuses.stream().filter(status -> status.value().equals(value)).findFirst()
                .orElseThrow(() -> new Invalid("'status' of a bulk " + value() + " must be "
                        + String.join(" or ", statuses.stream().map(RunStatus::value).toList())));
    }
}
