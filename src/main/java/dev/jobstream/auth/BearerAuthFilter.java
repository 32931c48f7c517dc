package dev.jobstream.auth;

import java.util.Map;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.jobstream.problem.Problem;

/**
 * Every {@code /v1} request needs {@code Authorization: Bearer <token>}: 401 problem (with
 * {@code WWW-Authenticate: Bearer}) otherwise, before the path is even matched, so that an unauthenticated client
 * learns nothing about which paths exist. Which role a path needs is {@link AccessFilter}'s business.
 */
public class BearerAuthFilter {

    private final Tokens tokens;

    BearerAuthFilter(Tokens tokens) {
        this.tokens = tokens;
    }

    @ServerRequestFilter(preMatching = true, priority = Priorities.AUTHENTICATION)
    public Response authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/v1")) {
            return null;
        }
        Tokens.Authentication authentication = tokens.authenticateHeader(request.getHeaderString("Authorization"));
        if (!authentication.ok()) {
            return Problem.response(401, "Unauthorized", authentication.failure(),
                    request.getUriInfo().getRequestUri().getRawPath(), Map.of());
        }
        request.setSecurityContext(new CallerContext(authentication.caller(),
                request.getSecurityContext().isSecure()));
        return null;
    }

    private record CallerContext(Caller caller, boolean secure) implements SecurityContext {

        @Override
        public java.security.Principal getUserPrincipal() {
            return caller;
        }

        @Override
        public boolean isUserInRole(String role) {
            return caller.roles().contains(role);
        }

        @Override
        public boolean isSecure() {
            return secure;
        }

        @Override
        public String getAuthenticationScheme() {
            return "Bearer";
        }
    }
}
