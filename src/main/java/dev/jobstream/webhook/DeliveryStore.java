package dev.jobstream.webhook;

import static dev.jobstream.webhook.DeliverySql.*;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Singleton;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** The one home of {@code webhook_deliveries}: it runs the statements of {@link DeliverySql}. */
@Singleton
public class DeliveryStore {

    private final Pool pool;

    DeliveryStore(Pool pool) {
        this.pool = pool;
    }

    /** Claims up to {@code limit} due deliveries as of {@code at} (null: now), each held for {@code leaseMillis}. */
    Uni<List<DueDelivery>> claim(Instant at, int limit, long leaseMillis) {
        return pool.preparedQuery(CLAIM).execute(Tuple.of(utc(at), limit, leaseMillis)).map(rows -> {
            List<DueDelivery> due = new ArrayList<>(rows.size());
            rows.forEach(row -> due.add(DueDelivery.from(row)));
            return due;
        });
    }

    /**
     * Writes how the claim {@code attempt} of a delivery went: {@code status} (pending again: due
     * {@code retryInMillis} after {@code at}) and the attempt's {@code entry} in its log; false when another claim
     * took the delivery meanwhile and nothing was written.
     */
    Uni<Boolean> record(UUID id, int attempt, String status, long retryInMillis, Instant at, JsonObject entry) {
        return pool.preparedQuery(RECORD)
                .execute(Tuple.of(id, attempt, status, retryInMillis, utc(at), entry.encode()))
                .map(rows -> rows.rowCount() == 1);
    }

    /** The deliveries of a run, oldest first. */
    Uni<List<Delivery>> ofRun(UUID runId) {
        return pool.preparedQuery(OF_RUN).execute(Tuple.of(runId)).map(rows -> {
            List<Delivery> deliveries = new ArrayList<>(rows.size());
            rows.forEach(row -> deliveries.add(Delivery.from(row)));
            return deliveries;
        });
    }

    private static OffsetDateTime utc(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }
}
