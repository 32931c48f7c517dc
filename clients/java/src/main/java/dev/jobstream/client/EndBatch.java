package dev.jobstream.client;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Ends go in batches: the ends that come while a call is out go together in the next {@code POST
 * /v1/workers/runs/ends} (at most {@value #MAX_ENDS}), so that many short runs cost one call, not one each. The
 * thread whose end finds no call out sends the batches until none waits; the others wait for their own result.
 */
final class EndBatch {

    static final int MAX_ENDS = 100;

    private record Pending(Map<String, Object> end, CompletableFuture<JsonNode> result) {
    }

    private final WorkerApi api;
    private final Duration patience;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** A thread is sending batches (guarded by {@link #queue}). */
    private boolean sending;

    EndBatch(WorkerApi api, Duration patience) {
        this.api = api;
        this.patience = patience;
    }

    /**
     * Ends one attempt: {@code end} holds {@code run_id}, {@code outcome}, {@code lease} and that end's fields. The
     * result is the service's for this end: {@code code} 200 and the run's {@code status}, or 4xx with
     * {@code detail} (and {@code reason} for a lease lost).
     */
    JsonNode end(Map<String, Object> end) throws IOException, InterruptedException {
        Pending mine = new Pending(end, new CompletableFuture<>());
        boolean send;
        synchronized (queue) {
            queue.add(mine);
            send = !sending;
            sending = true;
        }
        if (send) {
            sendUntilNoneWaits();
        }
        try {
            return mine.result().get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(cause.getMessage(), cause);
        }
    }

    private void sendUntilNoneWaits() {
        while (true) {
            List<Pending> batch = new ArrayList<>();
            synchronized (queue) {
                while (!queue.isEmpty() && batch.size() < MAX_ENDS) {
                    batch.add(queue.poll());
                }
                if (batch.isEmpty()) {
                    sending = false;
                    return;
                }
            }
            try {
                JsonNode results = api.post("v1/workers/runs/ends", Map.of("ends", batch.stream()
                        .map(Pending::end).toList()), Duration.ofSeconds(10), patience).path("results");
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).result().complete(results.path(i));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                batch.forEach(pending -> pending.result().completeExceptionally(e));
            } catch (IOException | RuntimeException e) {
                batch.forEach(pending -> pending.result().completeExceptionally(e));
            }
        }
    }
}
