package dev.jobstream.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.jobstream.concurrent.Coalescer;
import dev.jobstream.concurrent.Periodic;
import dev.jobstream.config.JobstreamConfig;
import dev.jobstream.pg.Channels;
import dev.jobstream.pg.Notifications;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * The delivery loop of this replica: woken when a run with a webhook ends ({@code NOTIFY jobstream_webhooks}) and
 * every {@code jobstream.webhooks.poll-interval} (retries coming due, a notification lost), it claims due deliveries
 * under a lease and sends them at once, each attempt's outcome written under the claim's fence: a 2xx delivers, a
 * refused target or a deleted webhook fails the delivery for good, anything else is retried after a backoff of
 * {@code backoff-base × 3^(attempt − 1)} (at most {@code backoff-max}, ± 20 %) until {@code max-attempts}. Nothing here
 * touches a run: its end was written before its delivery existed. A test drives one pass with {@link #runOnce}.
 */
@Singleton
public class Deliveries {

    private static final Logger LOG = Logger.getLogger(Deliveries.class);
    /** Deliveries claimed, and sent at once, in one pass. */
    static final int BATCH = 50;
    /** Each next wait is this many times the one before. */
    static final int BACKOFF_FACTOR = 3;
    static final double JITTER = 0.2;

    private final DeliveryStore store;
    private final Sender sender;
    private final Notifications notifications;
    private final Periodic periodic;
    private final JobstreamConfig.Webhooks config;
    private final Coalescer loop = Coalescer.of(() -> pass().map(sent -> sent == BATCH)).build();

    Deliveries(DeliveryStore store, Sender sender, Notifications notifications, Vertx vertx, JobstreamConfig config) {
        this.store = store;
        this.sender = sender;
        this.notifications = notifications;
        this.periodic = new Periodic(vertx);
        this.config = config.webhooks();
    }

    void start(@Observes StartupEvent event) {
        notifications.listen(Channels.WEBHOOKS, payload -> loop.request());
        periodic.every(config.pollInterval(), loop::request);
        loop.request();
    }

    void stop(@Observes ShutdownEvent event) {
        loop.stop();
        periodic.cancelAll();
    }

    /** One pass of the loop, its failure logged (the next notification or poll tries again). */
    private Uni<Integer> pass() {
        return runOnce(null).onFailure().recoverWithItem(failure -> {
            LOG.warnf("Delivering webhooks failed (tried again within %s): %s", config.pollInterval(),
                    failure.getMessage());
            return 0;
        });
    }

    /**
     * Claims the deliveries due at {@code at} (null: now, by the database's clock) and sends them; a failed one is
     * due again a backoff after {@code at}. Answers how many were sent.
     */
    public Uni<Integer> runOnce(Instant at) {
        return store.claim(at, BATCH, lease().toMillis()).flatMap(due -> {
            if (due.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            return Multi.createFrom().iterable(due).onItem().transformToUniAndMerge(delivery -> deliver(delivery, at))
                    .collect().asList().map(List::size);
        });
    }

    /** How long a claim holds a delivery: its attempt's longest time, twice, and a margin to write the outcome. */
    private Duration lease() {
        return config.timeout().multipliedBy(2).plusSeconds(30);
    }

    private Uni<Boolean> deliver(DueDelivery delivery, Instant at) {
        Instant signedAt = Instant.now(); // the receiver's check of the time is against its own clock
        return sender.send(delivery, signedAt).flatMap(outcome -> {
            boolean last = delivery.attempt() >= config.maxAttempts();
            String status = outcome.delivered()
                    ? "delivered"
                    : outcome.retry() && !last ? "pending" : "failed";
            if (!outcome.delivered()) {
                LOG.infof("Webhook '%s', delivery %s of run %s, attempt %d: %s%s", delivery.webhook(),
                        delivery.id(), delivery.runId(), delivery.attempt(), outcome.error(),
                        status.equals("pending") ? " (retried)" : " (failed for good)");
            }
            JsonObject entry = new JsonObject().put("attempt", delivery.attempt()).put("at", signedAt.toString())
                    .put("http_status", outcome.httpStatus()).put("error", outcome.error())
                    .put("duration_ms", outcome.durationMillis());
            return store.record(delivery.id(), delivery.attempt(), status, backoff(delivery.attempt()).toMillis(),
                    at, entry);
        });
    }

    /** The wait after the {@code attempt}th failed attempt: base × 3^(attempt − 1), at most the max, ± 20 %. */
    Duration backoff(int attempt) {
        double wait = config.backoffBase().toMillis() * Math.pow(BACKOFF_FACTOR, Math.max(0, attempt - 1));
        double capped = Math.min(wait, config.backoffMax().toMillis());
        double jitter = 1 + JITTER * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        return Duration.ofMillis((long) (capped * jitter));
    }
}
