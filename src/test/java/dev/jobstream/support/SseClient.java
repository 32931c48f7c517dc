package dev.jobstream.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Reads a text/event-stream over the JDK HTTP client and parses it by the SSE rules (id, event, data, retry). */
public final class SseClient {

    /** One dispatched event; {@code id} is the last event id seen. */
    public record Event(String id, String event, String data) {
    }

    /** What a read gave: the events, the retry hints, the comments, and whether the server closed the stream. */
    public record Read(int status, List<Event> events, List<String> retries, List<String> comments, boolean closed,
            java.net.http.HttpHeaders headers) {
    }

    private SseClient() {
    }

    /** An open stream read on a thread of its own; events queue up until taken. */
    public static final class Subscription implements AutoCloseable {

        private final java.util.concurrent.BlockingQueue<Event> events = new java.util.concurrent.LinkedBlockingQueue<>();
        private final java.util.concurrent.CountDownLatch opened = new java.util.concurrent.CountDownLatch(1);
        private final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
        private final List<String> comments = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Thread reader;
        private volatile Stream<String> lines;

        Subscription(String url, String token) {
            reader = new Thread(() -> {
                try {
                    HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(
                            HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream")
                                    .header("Authorization", "Bearer " + token).build(),
                            HttpResponse.BodyHandlers.ofLines());
                    lines = response.body();
                    String name = null;
                    String data = null;
                    String id = null;
                    for (Iterator<String> it = lines.iterator(); it.hasNext();) {
                        String line = it.next();
                        if (line.startsWith(":")) {
                            comments.add(line.substring(1).trim());
                            opened.countDown();
                        } else if (line.startsWith("id:")) {
                            id = line.substring(3).trim();
                        } else if (line.startsWith("event:")) {
                            name = line.substring(6).trim();
                        } else if (line.startsWith("data:")) {
                            data = line.substring(5).trim();
                        } else if (line.isEmpty() && data != null) {
                            events.add(new Event(id, name, data));
                            name = null;
                            data = null;
                        }
                    }
                    ended.countDown();
                } catch (Exception closed) {
                    // closed by the test
                }
            }, "sse-subscription");
            reader.setDaemon(true);
            reader.start();
        }

        /** Waits until the server's first comment arrived: the stream is open. */
        public Subscription awaitOpen() throws InterruptedException {
            if (!opened.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("stream did not open");
            }
            return this;
        }

        /** True if the server closed the stream within {@code timeout}. */
        public boolean awaitClosedByServer(Duration timeout) throws InterruptedException {
            return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** The comments received so far, without their colon. */
        public List<String> comments() {
            return List.copyOf(comments);
        }

        /** The next event, or null after {@code timeout}. */
        public Event next(Duration timeout) throws InterruptedException {
            return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            Stream<String> open = lines;
            if (open != null) {
                open.close();
            }
            reader.interrupt();
        }
    }

    public static Subscription subscribe(String url) {
        return new Subscription(url, Api.ADMIN_TOKEN);
    }

    /** Subscribes with the given bearer token. */
    public static Subscription subscribe(String url, String token) {
        return new Subscription(url, token);
    }

    /** Reads until the server closes the stream or {@code max} events arrived (then disconnects). */
    public static Read read(String url, String lastEventId, int max) throws Exception {
        return read(HttpRequest.newBuilder(URI.create(url)).GET(), lastEventId, max);
    }

    /** POSTs {@code json} and reads the answer as a stream (trigger and stream). */
    public static Read post(String url, String json, int max) throws Exception {
        return read(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), null, max);
    }

    private static Read read(HttpRequest.Builder request, String lastEventId, int max) throws Exception {
        request.header("Accept", "text/event-stream").header("Authorization", "Bearer " + Api.ADMIN_TOKEN);
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return CompletableFuture.supplyAsync(() -> {
            try {
                HttpResponse<Stream<String>> response = client.send(request.build(),
                        HttpResponse.BodyHandlers.ofLines());
                List<Event> events = new ArrayList<>();
                List<String> retries = new ArrayList<>();
                List<String> comments = new ArrayList<>();
                String id = lastEventId;
                String name = null;
                StringBuilder data = null;
                boolean closed = true;
                try (Stream<String> lines = response.body()) {
                    Iterator<String> it = lines.iterator();
                    while (it.hasNext()) {
                        String line = it.next();
                        if (line.isEmpty()) {
                            if (data != null) {
                                events.add(new Event(id, name == null ? "message" : name, data.toString()));
                                if (events.size() == max) {
                                    closed = false;
                                    break;
                                }
                            }
                            name = null;
                            data = null;
                        } else if (line.startsWith(":")) {
                            comments.add(line.substring(1).trim());
                        } else {
                            int colon = line.indexOf(':');
                            String field = colon < 0 ? line : line.substring(0, colon);
                            String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
                            switch (field) {
                                case "id" -> id = value;
                                case "event" -> name = value;
                                case "retry" -> retries.add(value);
                                case "data" -> data = data == null
                                        ? new StringBuilder(value)
                                        : data.append('\n').append(value);
                                default -> {
                                }
                            }
                        }
                    }
                }
                return new Read(response.statusCode(), events, retries, comments, closed, response.headers());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).get(30, TimeUnit.SECONDS);
    }
}
