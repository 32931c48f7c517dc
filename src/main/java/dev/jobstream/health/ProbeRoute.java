package dev.jobstream.health;

import java.time.Duration;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import dev.jobstream.auth.BearerMechanism;
import dev.jobstream.auth.Caller;
import dev.jobstream.auth.Role;
import dev.jobstream.problem.ApiException;
import dev.jobstream.problem.Problem;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.health.SmallRyeHealth;
import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The health probes as Kubernetes and the public see them: {@code /q/health}, {@code /live}, {@code /ready},
 * {@code /started} answer without a token with the status of each check only; with a viewer token for every workspace
 * they carry the data too (instance, queue depth, unresolved errors by severity, sweeps, the database's error text),
 * which a token limited to workspaces may not read, as it may not read the metrics. Each probe is
 * evaluated at most once a second however many requests come (they share the evaluation in flight and its result),
 * so a flood of probes cannot take the database pool. Other paths under {@code /q/health} need a viewer token for
 * every workspace.
 */
@Singleton
public class ProbeRoute {

    static final Duration CACHE = Duration.ofSeconds(1);
    static final Role ROLE = Role.VIEWER;
    private static final BiConsumer<RoutingContext, Throwable> IGNORE_REFUSAL = (context, refusal) -> {
    };

    private final Map<String, Uni<SmallRyeHealth>> probes;

    ProbeRoute(SmallRyeHealthReporter reporter) {
        this.probes = Map.of("/q/health", shared(reporter::getHealthAsync),
                "/q/health/live", shared(reporter::getLivenessAsync),
                "/q/health/ready", shared(reporter::getReadinessAsync),
                "/q/health/started", shared(reporter::getStartupAsync));
    }

    private static Uni<SmallRyeHealth> shared(Supplier<Uni<? extends SmallRyeHealth>> probe) {
        return Uni.createFrom().<SmallRyeHealth>deferred(probe).memoize().forFixedDuration(CACHE);
    }

    void install(@Observes Router router) {
        router.route("/q/health*").order(BearerMechanism.ROUTE_ORDER).handler(this::handle);
    }

    private void handle(RoutingContext context) {
        if (context.request().getHeader("Authorization") == null) {
            answer(context, null); // the probes of Kubernetes: nothing to authenticate
            return;
        }
        // a token refused here means no more than no token: the probes answer without one
        context.put(QuarkusHttpUser.AUTH_FAILURE_HANDLER, IGNORE_REFUSAL);
        Caller.authenticate(context).onFailure().recoverWithNull().subscribe().with(caller -> answer(context, caller));
    }

    private void answer(RoutingContext context, Caller caller) {
        String path = context.request().path();
        String probe = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        boolean viewer = caller != null && caller.has(ROLE);
        // the data counts every workspace (queue depth, unresolved errors): not for a token limited to some
        boolean everyWorkspace = viewer && !caller.scoped();
        Uni<SmallRyeHealth> shared = probes.get(probe);
        if (shared == null) {
            if (everyWorkspace) {
                context.next();
            } else if (viewer) {
                Problem.send(context.response(), new ApiException(403, "Forbidden", "The health data counts every "
                        + "workspace; token '" + caller.name() + "' is limited to workspaces and may"
                        + " not read it"), path);
            } else {
                Problem.send(context.response(), new ApiException(401, "Unauthorized",
                        "Only /q/health, /q/health/live, /q/health/ready and /q/health/started answer without a token"),
                        path);
            }
            return;
        }
        shared.subscribe().with(health -> {
            JsonObject payload = everyWorkspace ? health.getPayload() : statusOnly(health.getPayload());
            context.response().setStatusCode(health.isDown() ? 503 : 200)
                    .putHeader("Content-Type", "application/json; charset=UTF-8")
                    .putHeader("Cache-Control", "no-store")
                    .end(payload.toString());
        }, failure -> Problem.send(context.response(),
                new ApiException(503, "Service Unavailable", "The probe could not be evaluated"), path));
    }

    /** The payload without any check's data: the overall status and each check's name and status. */
    static JsonObject statusOnly(JsonObject payload) {
        JsonArrayBuilder checks = Json.createArrayBuilder();
        for (JsonValue check : payload.getJsonArray("checks")) {
            JsonObject c = check.asJsonObject();
            checks.add(
                    Json.createObjectBuilder().add("name", c.getString("name")).add("status", c.getString("status")));
        }
        return Json.createObjectBuilder().add("status", payload.getString("status")).add("checks", checks).build();
    }
}
