package dev.jobstream.auth;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.jobstream.problem.Problem;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/**
 * A caller whose role is short for a resource method's {@code @RolesAllowed} gets a 403 problem that names the role
 * needed and the one it has; a method without an access rule is refused to everyone
 * ({@code quarkus.security.jaxrs.deny-unannotated-endpoints}).
 */
public class AccessDenied {

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, ResourceInfo resource, ContainerRequestContext request) {
        Role required = required(resource.getResourceMethod(), resource.getResourceClass());
        if (required == null) {
            return Problem.response(403, "Forbidden", "No access rule covers this endpoint", path(request), Map.of());
        }
        Caller caller = request.getSecurityContext().getUserPrincipal() instanceof Caller c ? c : null;
        return Problem.response(403, "Forbidden", needs(required, caller), path(request), Map.of());
    }

    /** A token refused where Quarkus REST authenticated the request: the reason the identity provider gave. */
    @ServerExceptionMapper
    public Response refused(AuthenticationFailedException e, ContainerRequestContext request) {
        return Problem.response(401, "Unauthorized", e.getMessage() == null ? BearerMechanism.INVALID : e.getMessage(),
                path(request), Map.of());
    }

    /** No token where Quarkus REST asked for a caller. */
    @ServerExceptionMapper
    public Response anonymous(UnauthorizedException e, ContainerRequestContext request) {
        return Problem.response(401, "Unauthorized", BearerMechanism.MISSING,
                path(request), Map.of());
    }

    /** Why {@code caller} may not do what needs {@code required}. */
    public static String needs(Role required, Caller caller) {
        return "This needs the " + required.value() + " role; token '"
                + (caller == null ? "" : caller.name()) + "' has "
                + (caller == null || caller.role() == null ? "no role" : caller.role().value());
    }

    /**
     * The role a resource method needs: the least of its own {@code @RolesAllowed}, else of its class's; null if
     * neither has one.
     */
    public static Role required(Method method, Class<?> type) {
        RolesAllowed allowed = method == null ? null : method.getAnnotation(RolesAllowed.class);
        if (allowed == null && type != null) {
            allowed = type.getAnnotation(RolesAllowed.class);
        }
        return allowed == null
                ? null
                : Arrays.stream(allowed.value()).map(Role::parse).flatMap(Optional::stream)
                        .reduce((a, b) -> b.includes(a) ? a : b).orElse(null);
    }

    private static String path(ContainerRequestContext request) {
        return request.getUriInfo().getRequestUri().getRawPath();
    }
}
