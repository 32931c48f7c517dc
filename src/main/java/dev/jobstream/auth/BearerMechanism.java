package dev.jobstream.auth;

import java.util.Set;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import dev.jobstream.config.StartupOrder;
import dev.jobstream.problem.ApiException;
import dev.jobstream.problem.Problem;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code Authorization: Bearer <token>}, the one way a request authenticates: the token is handed to Quarkus
 * Security, whose identity providers try it in turn — {@link AdminToken}, {@link TokensFile}, {@link JwtTokens} — and
 * the first that knows it yields the caller's {@code SecurityIdentity} (the {@link Caller} as principal, its roles as
 * roles). Which paths need a caller is configured ({@code quarkus.http.auth.permission.*}: all of {@code /v1}, before
 * a path is even matched, so that an unauthenticated client learns nothing about which paths exist); which role an
 * endpoint needs, its {@code @RolesAllowed}. A request refused answers a 401 problem that says why, with
 * {@code WWW-Authenticate: Bearer}.
 * <p>
 * In production the service starts only with a way to authenticate — an admin token of at least
 * {@value AdminToken#MIN_LENGTH} characters, a tokens file, or a JWT key — and never with a short admin token.
 */
@Singleton
public class BearerMechanism implements HttpAuthenticationMechanism {

    /**
     * The order of a Vert.x route that needs the caller: after Quarkus' security handlers (which set up the request's
     * identity and check the paths' permissions), before the endpoints' own routes.
     */
    public static final int ROUTE_ORDER = -50;
    static final String MISSING = "Missing bearer token";
    static final String INVALID = "Invalid bearer token";
    /** The longest token looked at; a longer one is invalid without being hashed or parsed. */
    static final int MAX_TOKEN = 8192;
    private static final String PREFIX = "Bearer ";
    /** Where a request's failed authentication leaves its reason for the challenge. */
    private static final String FAILURE = BearerMechanism.class.getName() + ".failure";

    private final AdminToken admin;
    private final TokensFile file;
    private final JwtTokens jwt;

    BearerMechanism(AdminToken admin, TokensFile file, JwtTokens jwt) {
        this.admin = admin;
        this.file = file;
        this.jwt = jwt;
    }

    void start(@Observes @Priority(StartupOrder.CONFIGURATION) StartupEvent event) {
        boolean production = LaunchMode.current() == LaunchMode.NORMAL;
        if (production) {
            admin.refuseWeak();
            if (!admin.present() && !file.present() && !jwt.present()) {
                throw new ConfigurationException("No way to authenticate requests: set JOBSTREAM_ADMIN_TOKEN (at least "
                        + AdminToken.MIN_LENGTH
                        + " characters), JOBSTREAM_TOKENS_FILE, or MP_JWT_VERIFY_PUBLICKEY_LOCATION");
            }
        }
        jwt.checkAtStart(production);
        file.loadAtStart(admin.present());
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String header = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            return Uni.createFrom().nullItem();
        }
        if (!header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return refused(context, "Authorization must be 'Bearer <token>'");
        }
        String token = header.substring(PREFIX.length()).trim();
        if (token.isEmpty() || token.length() > MAX_TOKEN) {
            return refused(context, INVALID);
        }
        TokenAuthenticationRequest request = new TokenAuthenticationRequest(new TokenCredential(token, "bearer"));
        return identities.authenticate(HttpSecurityUtils.setRoutingContextAttribute(request, context))
                .onFailure(AuthenticationFailedException.class).invoke(e -> context.put(FAILURE,
                        e.getMessage() == null ? INVALID : e.getMessage()));
    }

    private static Uni<SecurityIdentity> refused(RoutingContext context, String reason) {
        context.put(FAILURE, reason);
        return Uni.createFrom().failure(new AuthenticationFailedException(reason));
    }

    /** The 401 problem, saying why: no token, not a bearer token, unknown, expired, revoked. */
    @Override
    public Uni<Boolean> sendChallenge(RoutingContext context) {
        String reason = context.get(FAILURE);
        Problem.send(context.response(), new ApiException(401, "Unauthorized",
                reason == null ? MISSING : reason), context.request().path());
        return Uni.createFrom().item(true);
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate",
                Problem.BEARER_CHALLENGE));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(TokenAuthenticationRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION,
                "bearer"));
    }
}
