package dev.jobstream.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Follows one run's events over SSE ({@code GET /v1/runs/{id}/events}) to its end, across dropped connections: each
 * new connection asks for the events after the last one handed on ({@code Last-Event-ID}), after the delay of the
 * service's last {@code retry:}, and an event already handed on is skipped.
 */
final class RunFollower {

    private final CallerApi api;
    private final UUID runId;
    private final Duration patience;
    private final Consumer<RunEvent> onEvent;
    /** The number of the last event handed on. */
    private int last;
    private boolean ended;
    private long retryMillis = JobstreamClient.DEFAULT_RETRY_MILLIS;

    RunFollower(CallerApi api, UUID runId, Duration patience, int afterSeq, Consumer<RunEvent> onEvent) {
        this.api = api;
        this.runId = runId;
        this.patience = patience;
        this.last = afterSeq;
        this.onEvent = onEvent;
    }

    /** Hands on the events until the run's last; answers the number of the last one. */
    int follow() throws IOException, InterruptedException {
        long giveUp = System.nanoTime() + patience.toNanos();
        while (true) {
            IOException fault = null;
            HttpResponse<InputStream> response = null;
            try {
                response = api.stream("v1/runs/" + runId + "/events", last > 0 ? Integer.toString(last) : null);
                int status = response.statusCode();
                if (status == 204) {
                    return last; // the run has ended and every event was seen
                }
                if (status >= 400 && status < 500) {
                    throw api.problem(status, response.body().readAllBytes());
                }
                if (status != 200) {
                    throw new IOException("HTTP " + status + " for the events of run " + runId);
                }
                try {
                    read(response.body());
                } finally {
                    // the patience counts from the end of the last connection that was open
                    giveUp = System.nanoTime() + patience.toNanos();
                }
                if (ended) {
                    return last;
                }
            } catch (IOException e) {
                fault = e;
            } finally {
                if (response != null) {
                    response.body().close();
                }
            }
            if (System.nanoTime() - giveUp > 0) {
                throw fault != null ? fault
                        : new IOException("the events of run " + runId + " could not be read for " + patience);
            }
            Thread.sleep(retryMillis);
        }
    }

    /** Hands on the events of one connection, up to the run's last one or until the connection ends. */
    private void read(InputStream body) throws IOException {
        SseReader events = new SseReader(body, retryMillis);
        try {
            for (SseReader.Event frame = events.next(); frame != null; frame = events.next()) {
                retryMillis = events.retryMillis();
                int seq = frame.id() == null ? 0 : Integer.parseInt(frame.id());
                if (seq <= last) {
                    continue; // handed on already (or no event of the run's)
                }
                RunEvent event = new RunEvent(seq, frame.event(), data(frame.data()));
                onEvent.accept(event);
                last = seq;
                if (event.isEnd()) {
                    ended = true;
                    return;
                }
            }
        } finally {
            retryMillis = events.retryMillis();
        }
    }

    private JsonNode data(String text) {
        try {
            return api.json.readTree(text);
        } catch (IOException e) {
            return api.json.getNodeFactory().textNode(text);
        }
    }
}
