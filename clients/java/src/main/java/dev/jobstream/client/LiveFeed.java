package dev.jobstream.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The live feed ({@code GET /v1/stream}) as a stream of changes, read as it is consumed; closing it disconnects. */
final class LiveFeed implements Iterator<RunChange> {

    private final CallerApi api;
    private final SseReader events;
    private RunChange next;
    private boolean ended;

    private LiveFeed(CallerApi api, InputStream body) {
        this.api = api;
        this.events = new SseReader(body, JobstreamClient.DEFAULT_RETRY_MILLIS);
    }

    static Stream<RunChange> open(CallerApi api, String path) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = api.stream(path, null);
        if (response.statusCode() != 200) {
            try (InputStream body = response.body()) {
                throw api.problem(response.statusCode(), body.readAllBytes());
            }
        }
        LiveFeed feed = new LiveFeed(api, response.body());
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(feed, Spliterator.ORDERED
                | Spliterator.NONNULL), false).onClose(feed::close);
    }

    @Override
    public boolean hasNext() {
        try {
            while (next == null && !ended) {
                SseReader.Event frame = events.next();
                if (frame == null) {
                    ended = true;
                } else {
                    ObjectNode change = (ObjectNode) api.json.readTree(frame.data());
                    next = api.json.treeToValue(change.put("type", frame.event()), RunChange.class);
                }
            }
            return next != null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public RunChange next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        RunChange change = next;
        next = null;
        return change;
    }

    private void close() {
        try {
            events.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
