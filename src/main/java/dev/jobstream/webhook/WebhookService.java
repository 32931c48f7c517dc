package dev.jobstream.webhook;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.inject.Singleton;

import dev.jobstream.refusal.Invalid;
import dev.jobstream.refusal.NotFound;
import io.smallrye.mutiny.Uni;

/**
 * The registered webhooks: created, changed, their secret rotated, read and deleted through the API; the check that
 * a name a job, a schedule or a trigger gives is registered; and the deliveries of a run. A URL is checked for its
 * form and against the allow-list when it is registered (and again at each delivery).
 */
@Singleton
public class WebhookService {

    static final int MAX_DESCRIPTION = 1000;
    /** Most webhooks listed. */
    static final int MAX_LIST = 1000;
    private static final String NAME = "[a-z0-9][a-z0-9._-]{0,99}";

    private final WebhookStore store;
    private final DeliveryStore deliveries;
    private final Targets targets;

    WebhookService(WebhookStore store, DeliveryStore deliveries, Targets targets) {
        this.store = store;
        this.deliveries = deliveries;
        this.targets = targets;
    }

    /** A webhook's name as a job's: invalid naming {@code field} otherwise. */
    public static String name(String field, String name) {
        if (name == null || !name.matches(NAME)) {
            throw new Invalid("'" + field + "' must be a webhook's name: 1-100 lower-case letters, digits or ._-,"
                    + " a letter or digit first");
        }
        return name;
    }

    /**
     * Creates the webhook, with a new secret (in the answer, this once), or changes its URL and description (its
     * secret stays); invalid for a bad name, URL or description, or a target the allow-list refuses.
     */
    public Uni<Registration> put(String name, WebhookRequest request, String by) {
        name("name", name);
        if (request == null) {
            throw new Invalid("A JSON body with 'url' is required");
        }
        Target target = Target.parse(request.url());
        String description = request.description() == null ? "" : request.description();
        if (description.length() > MAX_DESCRIPTION || description.indexOf('\0') >= 0) {
            throw new Invalid("'description' must be at most " + MAX_DESCRIPTION + " characters, without NUL");
        }
        return targets.address(target)
                .onFailure(Targets.Refused.class).transform(e -> new Invalid("'url' is refused: " + e.getMessage()))
                .flatMap(address -> store.put(name, request.url(), description, Signature.newSecret(), by));
    }

    /** A new secret for the webhook, answered this once; the old one signs nothing from now on. */
    public Uni<Webhook> rotate(String name, String by) {
        return store.rotate(known(name), Signature.newSecret(), by).map(found -> found
                .orElseThrow(() -> notFound(name)));
    }

    public Uni<Webhook> get(String name) {
        return store.find(known(name)).map(found -> found.orElseThrow(() -> notFound(name)));
    }

    public Uni<List<Webhook>> list() {
        return store.list(MAX_LIST);
    }

    /**
     * Deletes the webhook. Runs that name it keep the name; their deliveries fail (it is no longer registered), as
     * do the pending ones.
     */
    public Uni<Void> delete(String name) {
        return store.delete(known(name)).map(deleted -> {
            if (!deleted) {
                throw notFound(name);
            }
            return null;
        });
    }

    /** Checks that each of {@code names} is a registered webhook; invalid naming {@code field} and the first one not. */
    public Uni<Void> requireRegistered(String field, Collection<String> names) {
        Set<String> asked = new TreeSet<>(names);
        asked.forEach(name -> name(field, name));
        if (asked.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return store.registered(asked).map(found -> {
            asked.removeAll(found);
            if (!asked.isEmpty()) {
                throw new Invalid("'" + field + "': no webhook '" + asked.iterator().next()
                        + "' is registered (PUT /v1/webhooks/{name})");
            }
            return null;
        });
    }

    /** The deliveries of a run, oldest first (the caller checked the run is the caller's to see). */
    public Uni<List<Delivery>> deliveries(UUID runId) {
        return deliveries.ofRun(runId);
    }

    /** The name, or not found for one no webhook could have. */
    private static String known(String name) {
        if (name == null || !name.matches(NAME)) {
            throw notFound(name);
        }
        return name;
    }

    private static NotFound notFound(String name) {
        return new NotFound("No webhook '" + name + "'");
    }
}
