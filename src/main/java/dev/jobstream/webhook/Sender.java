package dev.jobstream.webhook;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import dev.jobstream.config.JobstreamConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientRequest;

/**
 * Sends one attempt of a delivery: the target checked against the allow-list (its host resolved now), then a signed
 * POST to the address checked, answered within {@code jobstream.webhooks.timeout} (resolving, connecting and the
 * answer together), no redirect followed. Never fails: the attempt's outcome says what happened.
 */
@Singleton
public class Sender {

    /** How one attempt went: a 2xx answer delivers; {@code retry} false when no later attempt could do better. */
    record Outcome(Integer httpStatus, String error, long durationMillis, boolean retry) {

        boolean delivered() {
            return httpStatus != null && httpStatus >= 200 && httpStatus < 300;
        }
    }

    static final String USER_AGENT = "jobstream-webhooks";

    private final Targets targets;
    private final HttpClient client;
    private final Duration timeout;

    Sender(Targets targets, Vertx vertx, JobstreamConfig config) {
        this.targets = targets;
        this.timeout = config.webhooks().timeout();
        // SNI and the certificate's check use the URL's host, while the connection goes to the address checked
        this.client = vertx.createHttpClient(new HttpClientOptions().setForceSni(true).setVerifyHost(true)
                .setConnectTimeout((int) timeout.toMillis()).setKeepAlive(false));
    }

    @PreDestroy
    void close() {
        client.closeAndForget();
    }

    /** POSTs {@code delivery} signed at {@code signedAt}; the outcome, whatever happens. */
    Uni<Outcome> send(DueDelivery delivery, Instant signedAt) {
        long started = System.nanoTime();
        if (delivery.url() == null) {
            return Uni.createFrom().item(new Outcome(null, "webhook '" + delivery.webhook()
                    + "' is no longer registered", 0, false));
        }
        Target target;
        try {
            target = Target.parse(delivery.url());
        } catch (RuntimeException e) {
            return Uni.createFrom().item(new Outcome(null, e.getMessage(), 0, false));
        }
        byte[] body = delivery.body().getBytes(StandardCharsets.UTF_8);
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        return targets.address(target)
                .flatMap(address -> client.request(options(target, address, delivery, signedAt, body)))
                .flatMap(request -> {
                    sent.set(request);
                    return request.send(Buffer.buffer(body));
                })
                .map(response -> {
                    // the answer's body is not read: the connection (never kept alive) closes under it, which is
                    // no fault of the delivery's
                    response.exceptionHandler(ignored -> {
                    });
                    sent.set(null);
                    return answered(response.statusCode(), started);
                })
                .ifNoItem().after(timeout).failWith(() -> new java.util.concurrent.TimeoutException())
                .onFailure().recoverWithItem(failure -> failed(failure, started))
                .onTermination().invoke(() -> {
                    HttpClientRequest request = sent.get();
                    if (request != null) {
                        request.reset(); // a request still waiting for its answer is given up
                    }
                });
    }

    private RequestOptions options(Target target, InetAddress address, DueDelivery delivery, Instant signedAt,
            byte[] body) {
        return new RequestOptions().setMethod(HttpMethod.POST).setSsl(target.https())
                .setServer(SocketAddress.inetSocketAddress(target.port(), address.getHostAddress()))
                .setHost(target.host()).setPort(target.port()).setURI(target.pathAndQuery())
                .setFollowRedirects(false).setConnectTimeout(timeout.toMillis())
                .putHeader("Content-Type", "application/json")
                .putHeader("User-Agent", USER_AGENT)
                .putHeader("Jobstream-Webhook", delivery.webhook())
                .putHeader("Jobstream-Delivery", delivery.id().toString())
                .putHeader(Signature.HEADER, Signature.header(delivery.secret(), signedAt.getEpochSecond(), body));
    }

    private static Outcome answered(int status, long started) {
        long millis = elapsed(started);
        if (status >= 200 && status < 300) {
            return new Outcome(status, null, millis, false);
        }
        String error = status >= 300 && status < 400
                ? "answered a redirect, which is not followed"
                : "answered " + status;
        return new Outcome(status, error, millis, true);
    }

    private Outcome failed(Throwable failure, long started) {
        long millis = elapsed(started);
        if (failure instanceof Targets.Refused refused) {
            return new Outcome(null, "refused: " + refused.getMessage(), millis, false);
        }
        if (failure instanceof java.util.concurrent.TimeoutException) {
            return new Outcome(null, "no answer within " + timeout.toMillis() + " ms", millis, true);
        }
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return new Outcome(null, message.length() > 500 ? message.substring(0, 500) : message, millis, true);
    }

    private static long elapsed(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }
}
