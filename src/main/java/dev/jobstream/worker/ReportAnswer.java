package dev.jobstream.worker;

/**
 * What a report gets back: the renewed lease, the run's state ({@code running} or {@code paused}), what the run is
 * asked to do ({@code pause}, {@code resume} or {@code cancel}; null for nothing) and whether this report was stored
 * now ({@code false}: it repeats one stored before).
 */
public record ReportAnswer(ClaimedRun.LeaseView lease, String state, String control, boolean stored) {
}
