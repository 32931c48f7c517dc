package dev.jobstream.auth;

import java.security.Principal;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.ws.rs.core.SecurityContext;

import dev.jobstream.spi.Workspaces;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Who made a request: the token's name (or the JWT's subject), its role ({@code null} for a JWT that names none),
 * the workspaces it is limited to ({@code null}: all of them; never the system workspace) and, for a worker's token,
 * the jobs it may claim ({@code null}: any job executed by workers).
 */
public record Caller(String name, Role role, Set<UUID> workspaces, Set<String> jobs, Validity validity)
        implements
            Principal {

    /**
     * Whether the credential a caller presented still holds, asked again while a long request (a stream) lasts: a
     * token removed from the tokens file is revoked, a JWT or a file token expires.
     */
    @FunctionalInterface
    public interface Validity {
        /** A credential that holds as long as the process runs (the admin token). */
        Validity ALWAYS = () -> Optional.empty();

        /** Why the credential no longer holds ("revoked", "expired"), or empty while it does. */
        Optional<String> ended();
    }

    public Caller(String name, Role role, Set<UUID> workspaces) {
        this(name, role, workspaces, null, Validity.ALWAYS);
    }

    public Caller(String name, Role role, Set<UUID> workspaces, Validity validity) {
        this(name, role, workspaces, null, validity);
    }

    /** True if the caller may claim runs of {@code job} (a worker's token limited to jobs names it). */
    public boolean serves(String job) {
        return jobs == null || jobs.contains(job);
    }

    @Override
    public String getName() {
        return name;
    }

    /** The names of the caller's role and the roles it includes. */
    public Set<String> roles() {
        return role == null ? Set.of() : role.names();
    }

    /** True if the caller's role includes {@code required}; a JWT without a known role has none. */
    public boolean has(Role required) {
        return role != null && role.includes(required);
    }

    /** The system workspace is never among the workspaces a caller is limited to, even if its token names it. */
    public Caller {
        if (validity == null) {
            validity = Validity.ALWAYS;
        }
        if (workspaces != null && workspaces.contains(Workspaces.SYSTEM)) {
            workspaces = workspaces.stream().filter(w -> !Workspaces.SYSTEM.equals(w))
                    .collect(Collectors.toUnmodifiableSet());
        }
    }

    /** True if the caller may see runs, events and errors of {@code workspace}. */
    public boolean sees(UUID workspace) {
        return workspaces == null || workspaces.contains(workspace);
    }

    /** True if the caller is limited to some workspaces. */
    public boolean scoped() {
        return workspaces != null;
    }

    /** The identity Quarkus Security carries for this caller: it as the principal, its roles as roles. */
    public SecurityIdentity identity() {
        return QuarkusSecurityIdentity.builder().setPrincipal(this).addRoles(roles()).build();
    }

    /** The caller of a {@code /v1} resource method (every one needs an authenticated caller). */
    public static Caller of(SecurityContext security) {
        return of(security == null ? null : security.getUserPrincipal());
    }

    /**
     * The caller of a {@code /v1} request that a Vert.x route serves: the path's permission had the caller
     * authenticated before any route ran.
     */
    public static Caller of(RoutingContext context) {
        return of(context.user() instanceof QuarkusHttpUser user ? user.getSecurityIdentity().getPrincipal() : null);
    }

    /**
     * The caller of a request outside {@code /v1} whose route asks for one: null if the request carries no token.
     * A token refused fails the result, and by then the request has been answered 401, unless the route put another
     * {@link QuarkusHttpUser#AUTH_FAILURE_HANDLER} in the context before asking.
     */
    public static Uni<Caller> authenticate(RoutingContext context) {
        return QuarkusHttpUser.getSecurityIdentity(context, null)
                .map(identity -> identity == null || identity.isAnonymous() ? null : of(identity.getPrincipal()));
    }

    private static Caller of(Principal principal) {
        if (principal instanceof Caller caller) {
            return caller;
        }
        throw new IllegalStateException("request without an authenticated caller");
    }
}
