package dev.jobstream.worker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The long polls of workers waiting on this replica for runs to claim, grouped by what they claim (their jobs and
 * workspaces). A wake reaches one poll of each group that claims a job it names, the poll that has waited longest:
 * that poll claims, and when it took as many runs as it asked for, it wakes the next poll of its group, since more
 * may be due. So runs queued wake about as many polls as it takes to claim them, not every poll that waits.
 */
final class Polls {

    /** What the polls of a group claim: runs of these jobs, in these workspaces (null: every workspace). */
    record Group(Set<String> jobs, Set<UUID> workspaces) {
    }

    // guarded by this
    private final Map<Group, ArrayDeque<CompletableFuture<Void>>> waiting = new HashMap<>();

    /** A poll of the group waits to be woken; the future completes when it is. */
    synchronized CompletableFuture<Void> park(Group group) {
        CompletableFuture<Void> woken = new CompletableFuture<>();
        waiting.computeIfAbsent(group, g -> new ArrayDeque<>()).add(woken);
        return woken;
    }

    /**
     * A poll stops waiting (it claimed, its deadline passed, its worker went away). If a wake reached it meanwhile and
     * it will not look again ({@code looksAgain} false), the wake goes on to the next poll of the group, whose runs
     * would otherwise wait for the next tick.
     */
    void leave(Group group, CompletableFuture<Void> woken, boolean looksAgain) {
        boolean wasWaiting;
        synchronized (this) {
            ArrayDeque<CompletableFuture<Void>> queue = waiting.get(group);
            wasWaiting = queue != null && queue.remove(woken);
            if (queue != null && queue.isEmpty()) {
                waiting.remove(group);
            }
        }
        if (!wasWaiting && !looksAgain) {
            wakeNext(group);
        }
    }

    /** Wakes one poll of each group that claims any of {@code jobs} (null: of every group). */
    void wake(Collection<String> jobs) {
        List<CompletableFuture<Void>> woken = new ArrayList<>();
        synchronized (this) {
            waiting.forEach((group, queue) -> {
                if (jobs == null || jobs.stream().anyMatch(group.jobs()::contains)) {
                    woken.add(queue.poll());
                }
            });
            waiting.values().removeIf(ArrayDeque::isEmpty);
        }
        woken.forEach(poll -> poll.complete(null));
    }

    /** Wakes the poll of the group that has waited longest, if one waits. */
    void wakeNext(Group group) {
        CompletableFuture<Void> next;
        synchronized (this) {
            ArrayDeque<CompletableFuture<Void>> queue = waiting.get(group);
            next = queue == null ? null : queue.poll();
            if (queue != null && queue.isEmpty()) {
                waiting.remove(group);
            }
        }
        if (next != null) {
            next.complete(null);
        }
    }

    /** Polls waiting to be woken. */
    synchronized int size() {
        return waiting.values().stream().mapToInt(ArrayDeque::size).sum();
    }
}
