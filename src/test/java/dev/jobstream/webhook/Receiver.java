package dev.jobstream.webhook;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * A receiving HTTP server on a free port of 127.0.0.1, as a webhook's receiver would be: it records every request
 * (headers and body) and answers each with the next of the answers it was told ({@link #HANG}: no answer at all),
 * 200 once they are used up.
 */
final class Receiver implements AutoCloseable {

    /** An answer that never comes: the request is left waiting. */
    static final int HANG = -1;

    /** A request received. */
    record Request(MultiMap headers, String body) {
        String header(String name) {
            return headers.get(name);
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Queue<Integer> answers = new ConcurrentLinkedQueue<>();

    Receiver() throws Exception {
        server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            requests.add(new Request(MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body.toString()));
            Integer answer = answers.poll();
            if (answer == null || answer != HANG) {
                request.response().setStatusCode(answer == null ? 200 : answer).end("ok");
            }
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** The answers of the next requests, in order. */
    Receiver answering(Integer... statuses) {
        answers.addAll(List.of(statuses));
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort() + "/hooks/jobstream?source=test";
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
