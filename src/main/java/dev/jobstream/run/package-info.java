/**
 * Runs and their state machine. Active states: {@code queued}, {@code running}, {@code paused}; terminal:
 * {@code completed}, {@code failed}, {@code cancelled}, {@code skipped} (a terminal run never changes status again).
 * A {@code paused} run is either held by its engine (owner set, heartbeating) or parked (no owner, no engine).
 * Every change of {@code job_runs} is one statement of {@link dev.jobstream.run.store.RunSql}, run by
 * {@link dev.jobstream.run.store.RunStore} alone, guarded by the states it comes from and, where an engine writes, by the
 * run's owner and attempt; the schema refuses any other status change (trigger {@code job_runs_transition}).
 * <table>
 * <caption>Transitions</caption>
 * <tr><th>transition</th><th>from → to</th><th>statement</th></tr>
 * <tr><td>trigger</td><td>— → queued</td><td>{@code INSERT_RUNS}</td></tr>
 * <tr><td>claim</td><td>queued (due) → running</td><td>{@code CLAIM_QUEUED}</td></tr>
 * <tr><td>claim by a worker</td><td>queued (due) → running</td><td>{@code CLAIM_QUEUED_OF},
 * {@code CLAIM_LIMITED_OF}</td></tr>
 * <tr><td>worker's report</td><td>running, paused → same, or running ↔ paused</td><td>{@code REPORT}</td></tr>
 * <tr><td>give back</td><td>running → queued, same attempt</td><td>{@code RELEASE_CLAIM}</td></tr>
 * <tr><td>unclaim</td><td>running (started for a worker that went away) → queued, same attempt</td>
 * <td>{@code UNCLAIM}</td></tr>
 * <tr><td>heartbeat</td><td>running, paused → same</td><td>{@code HEARTBEAT}</td></tr>
 * <tr><td>request control</td><td>active → same, with control_requested</td><td>{@code REQUEST_CONTROL}</td></tr>
 * <tr><td>pause/resume applied, end</td><td>running ↔ paused; → completed, failed, cancelled</td>
 * <td>{@code FLUSH}</td></tr>
 * <tr><td>interrupt</td><td>running, paused → queued (next attempt), parked paused, cancelled</td>
 * <td>{@code INTERRUPT_OWNED}</td></tr>
 * <tr><td>stale</td><td>running, paused → queued (backoff), parked paused, cancelled, failed</td>
 * <td>{@code INTERRUPT_STALE}</td></tr>
 * <tr><td>worker overdue</td><td>running past timeout → failed or queued; paused silent → parked paused</td>
 * <td>{@code WORKER_OVERDUE}, then {@code FLUSH} or {@code INTERRUPT_OWNED}</td></tr>
 * <tr><td>resume parked</td><td>parked paused → queued</td><td>{@code RESUME_PARKED}</td></tr>
 * <tr><td>cancel now</td><td>queued, parked paused (force: any active) → cancelled</td><td>{@code CANCEL_NOW}</td></tr>
 * <tr><td>delete, expire</td><td>terminal (delete: or queued, not due yet) → deleted</td><td>{@code DELETE_RUN},
 * {@code DELETE_EXPIRED}</td></tr>
 * </table>
 * "Run states" in docs/design.md holds the same table with the guards; a test keeps the two lists of statements equal.
 */
package dev.jobstream.run;
