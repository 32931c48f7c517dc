package dev.jobstream.auth;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import dev.jobstream.config.JobstreamConfig;
import dev.jobstream.problem.ApiException;
import dev.jobstream.problem.Problem;
import io.quarkus.runtime.LaunchMode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The operations endpoints outside {@code /v1} that tell about the service — {@code /q/metrics} and
 * {@code /q/openapi} — need a bearer token of the viewer role like the API ({@code /q/health} stays open for the
 * probes; and, in dev mode only, {@code /q/openapi} for the Swagger UI); the metrics count every workspace, so a
 * token limited to workspaces may not read them.
 * {@code JOBSTREAM_METRICS_PUBLIC=true} opens {@code /q/metrics} for a scraper without a token.
 */
@Singleton
public class OperationsGuard {

    static final Role ROLE = Role.VIEWER;

    private final BearerMechanism bearer;
    private final boolean metricsPublic;

    OperationsGuard(BearerMechanism bearer, JobstreamConfig config) {
        this.bearer = bearer;
        this.metricsPublic = config.metrics().isPublic();
    }

    void install(@Observes Router router) {
        if (!metricsPublic) {
            router.route("/q/metrics*").order(BearerMechanism.ROUTE_ORDER).handler(context -> guard(context, true));
        }
        // in dev mode the document is open, so that the Swagger UI (dev mode only) can load it; its Authorize button
        // then sends a token with the requests it tries
        if (LaunchMode.current() != LaunchMode.DEVELOPMENT) {
            router.route("/q/openapi*").order(BearerMechanism.ROUTE_ORDER).handler(context -> guard(context, false));
        }
    }

    /** {@code everyWorkspace}: what the endpoint tells spans all workspaces, so a limited token may not read it. */
    private void guard(RoutingContext context, boolean everyWorkspace) {
        // a token refused has been answered 401 by the bearer mechanism when the result fails
        Caller.authenticate(context).subscribe().with(caller -> {
            if (caller == null) {
                bearer.sendChallenge(context);
            } else if (!caller.has(ROLE)) {
                refuse(context, 403, "Forbidden", AccessDenied.needs(ROLE, caller));
            } else if (everyWorkspace && caller.scoped()) {
                refuse(context, 403, "Forbidden", "The metrics count every workspace; token '" + caller.name()
                        + "' is limited to workspaces and may not read them");
            } else {
                context.next();
            }
        }, refused -> {
        });
    }

    private static void refuse(RoutingContext context, int status, String title, String detail) {
        Problem.send(context.response(), new ApiException(status, title, detail), context.request().path());
    }
}
