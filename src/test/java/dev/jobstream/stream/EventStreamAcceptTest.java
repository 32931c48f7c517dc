package dev.jobstream.stream;

import static dev.jobstream.stream.EventStreamAccept.prefersEventStream;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EventStreamAcceptTest {

    @Test
    void anEventSourceGetsTheStream() {
        assertTrue(prefersEventStream("text/event-stream"));
        assertTrue(prefersEventStream("text/event-stream, application/json"));
        assertTrue(prefersEventStream("application/json;q=0.5, text/event-stream"));
        assertTrue(prefersEventStream("TEXT/EVENT-STREAM;charset=utf-8"));
    }

    @Test
    void aClientThatListsJsonFirstOrPrefersItGetsJson() {
        assertFalse(prefersEventStream(null));
        assertFalse(prefersEventStream("*/*"));
        assertFalse(prefersEventStream("application/json"));
        assertFalse(prefersEventStream("application/json, text/event-stream"));
        assertFalse(prefersEventStream("*/*, text/event-stream"));
        assertFalse(prefersEventStream("text/event-stream;q=0.2, application/json"));
        assertFalse(prefersEventStream("text/event-stream;q=0"));
        assertFalse(prefersEventStream("text/event-stream;q=nonsense"));
    }
}
