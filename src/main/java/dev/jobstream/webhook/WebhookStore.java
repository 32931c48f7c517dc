package dev.jobstream.webhook;

import static dev.jobstream.webhook.WebhookSql.*;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.inject.Singleton;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/** The one home of {@code webhooks}: it runs the statements of {@link WebhookSql}. */
@Singleton
public class WebhookStore {

    private final Pool pool;

    WebhookStore(Pool pool) {
        this.pool = pool;
    }

    Uni<Registration> put(String name, String url, String description, String secret, String by) {
        return pool.preparedQuery(PUT).execute(Tuple.of(name, url, description, secret, by)).map(rows -> {
            Row row = rows.iterator().next();
            return new Registration(Webhook.from(row), row.getBoolean("created"));
        });
    }

    Uni<Optional<Webhook>> rotate(String name, String secret, String by) {
        return pool.preparedQuery(ROTATE).execute(Tuple.of(name, secret, by)).map(WebhookStore::first);
    }

    Uni<Optional<Webhook>> find(String name) {
        return pool.preparedQuery(FIND).execute(Tuple.of(name)).map(WebhookStore::first);
    }

    Uni<List<Webhook>> list(int limit) {
        return pool.preparedQuery(LIST).execute(Tuple.of(limit)).map(rows -> {
            List<Webhook> webhooks = new ArrayList<>(rows.size());
            rows.forEach(row -> webhooks.add(Webhook.from(row)));
            return webhooks;
        });
    }

    /** Those of {@code names} that are registered. */
    Uni<Set<String>> registered(Collection<String> names) {
        return pool.preparedQuery(REGISTERED).execute(Tuple.of(names.toArray(String[]::new))).map(rows -> {
            Set<String> found = new HashSet<>();
            rows.forEach(row -> found.add(row.getString(0)));
            return found;
        });
    }

    /** True if there was such a webhook. */
    Uni<Boolean> delete(String name) {
        return pool.preparedQuery(DELETE).execute(Tuple.of(name)).map(rows -> rows.rowCount() == 1);
    }

    private static Optional<Webhook> first(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(Webhook.from(rows.iterator().next()));
    }
}
