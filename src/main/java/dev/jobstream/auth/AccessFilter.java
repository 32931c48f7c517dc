package dev.jobstream.auth;

import java.lang.reflect.Method;
import java.util.Map;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.jobstream.problem.Problem;

/** Authorisation of {@code /v1} resource methods by their {@link Allow} role: 403 problem when the role is short. */
public class AccessFilter {

    @ServerRequestFilter(priority = Priorities.AUTHORIZATION)
    public Response authorize(ContainerRequestContext request, ResourceInfo resource) {
        if (!request.getUriInfo().getPath().startsWith("/v1")) {
            return null;
        }
        Role required = required(resource.getResourceMethod(), resource.getResourceClass());
        String path = request.getUriInfo().getRequestUri().getRawPath();
        if (required == null) {
            return Problem.response(403, "Forbidden", "No access rule covers this endpoint", path, Map.of());
        }
        Caller caller = Caller.of(request.getSecurityContext());
        if (!caller.has(required)) {
            return Problem.response(403, "Forbidden", "This needs the " + required.value() + " role; token '"
                    + caller.name() + "' has " + (caller.role() == null ? "no role" : caller.role().value()), path,
                    Map.of());
        }
        return null;
    }

    /** The role a resource method needs: its own {@link Allow}, else its class's; null if neither has one. */
    public static Role required(Method method, Class<?> type) {
        Allow allow = method == null ? null : method.getAnnotation(Allow.class);
        if (allow == null && type != null) {
            allow = type.getAnnotation(Allow.class);
        }
        return allow == null ? null : allow.value();
    }
}
