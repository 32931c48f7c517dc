package dev.jobstream.auth;

import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.jobstream.error.Problem;

/** Every {@code /v1} request needs {@code Authorization: Bearer <token>}; 401 problem otherwise. */
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
        String header = request.getHeaderString("Authorization");
        Optional<Caller> caller = tokens.authenticateHeader(header);
        if (caller.isEmpty()) {
            String detail = header == null ? "Missing bearer token" : "Invalid bearer token";
            return Problem.response(401, "Unauthorized", detail, request.getUriInfo().getRequestUri().getRawPath(),
                    Map.of());
        }
        request.setSecurityContext(new CallerContext(caller.get(), request.getSecurityContext().isSecure()));
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
