package dev.jobstream.spi;

import java.util.Map;
import java.util.UUID;

/**
 * A run that another run waited for, as it ended: what a job reads from {@link JobContext#dependencies()} (and a
 * worker from its claim) once the runs it waited for — the ones its trigger named in {@code depends_on}, or the
 * children it waited for — have ended. {@code status} is the run's status ({@code completed}, {@code failed},
 * {@code cancelled}, …; null when the run was deleted since), {@code metrics} what it returned.
 */
public record Dependency(UUID runId, String job, String status, Map<String, Object> metrics, String error,
        String errorCode) {

    /** True if the run completed. */
    public boolean completed() {
        return "completed".equals(status);
    }
}
