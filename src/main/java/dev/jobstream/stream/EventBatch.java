package dev.jobstream.stream;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

import io.vertx.core.buffer.Buffer;

/**
 * Events of one read, in order, as the hub hands them to every subscriber of a run: their SSE frames are joined
 * once, by the first subscriber that writes them, and the same bytes go to all the others.
 */
public final class EventBatch extends AbstractList<RunEvent> implements RandomAccess {

    private final List<RunEvent> events;
    private volatile Buffer frames;

    EventBatch(List<RunEvent> events) {
        this.events = List.copyOf(events);
    }

    @Override
    public RunEvent get(int index) {
        return events.get(index);
    }

    @Override
    public int size() {
        return events.size();
    }

    /** The events' SSE frames as one buffer (computed at most a few times, by racing subscribers: same bytes). */
    Buffer frames() {
        Buffer joined = frames;
        if (joined == null) {
            joined = join(events);
            frames = joined;
        }
        return joined;
    }

    /** The SSE frames of any events, joined. */
    public static Buffer frames(List<RunEvent> events) {
        return events instanceof EventBatch batch ? batch.frames() : join(events);
    }

    private static Buffer join(List<RunEvent> events) {
        if (events.size() == 1) {
            return events.get(0).frame();
        }
        Buffer joined = Buffer.buffer(events.stream().mapToInt(e -> e.frame().length()).sum());
        events.forEach(e -> joined.appendBuffer(e.frame()));
        return joined;
    }
}
