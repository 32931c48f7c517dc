package dev.jobstream.auth;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.mutiny.Uni;

/**
 * JWTs signed with the key of {@code mp.jwt.verify.publickey.location} (PEM or JWKS), for the issuer and audience of
 * {@code mp.jwt.verify.issuer} and {@code mp.jwt.verify.audiences}: the caller {@code jwt:<subject>}, its role the
 * highest of its {@code groups}, its workspaces the {@code workspaces} claim, a worker's jobs the {@code jobs} claim;
 * it holds until the token expires. The last of the three sources of {@link BearerMechanism}.
 */
@Singleton
public class JwtTokens implements IdentityProvider<TokenAuthenticationRequest> {

    private static final Logger LOG = Logger.getLogger(JwtTokens.class);
    /** Who a JWT stands for: {@code jwt:<subject>}, never the name of a static token. */
    static final String PREFIX = "jwt:";
    /** The longest subject of a JWT, as long as the name of a static token. */
    static final int MAX_SUBJECT = 100;
    static final String WORKSPACES_CLAIM = "workspaces";
    static final String JOBS_CLAIM = "jobs";

    private final JWTParser jwt;
    private final boolean enabled;
    private final boolean keyLocation;

    JwtTokens(JWTParser jwt) {
        this.jwt = jwt;
        this.keyLocation = isSet("mp.jwt.verify.publickey.location");
        this.enabled = keyLocation || isSet("mp.jwt.verify.publickey");
    }

    /** True if the MicroProfile setting {@code name} has a value that is not blank. */
    private static boolean isSet(String name) {
        return ConfigProvider.getConfig().getOptionalValue(name, String.class).filter(v -> !v.isBlank()).isPresent();
    }

    /** True if JWTs are accepted (a key is configured). */
    boolean present() {
        return enabled;
    }

    /** At startup: a key is accepted only with an issuer and an audience. */
    void checkAtStart(boolean production) {
        // (dev and test mode without a key location have the in-memory key of smallrye-jwt, which signs nothing real)
        if (enabled && (production || keyLocation)) {
            requireBinding();
        }
        if (enabled) {
            LOG.info("JWT bearer tokens are accepted (mp.jwt.verify.publickey.location)");
        }
    }

    /**
     * A JWT key is accepted only with the issuer and the audience its tokens must name ({@code mp.jwt.verify.issuer},
     * {@code mp.jwt.verify.audiences}): without them any token the key's owner ever signed, for any service, would do.
     */
    private static void requireBinding() {
        boolean issuer = isSet("mp.jwt.verify.issuer");
        boolean audience = isSet("mp.jwt.verify.audiences");
        List<String> missing = new ArrayList<>();
        if (!issuer) {
            missing.add("MP_JWT_VERIFY_ISSUER");
        }
        if (!audience) {
            missing.add("MP_JWT_VERIFY_AUDIENCES");
        }
        if (!missing.isEmpty()) {
            throw new ConfigurationException("A JWT key is set (MP_JWT_VERIFY_PUBLICKEY_LOCATION), so "
                    + String.join(" and ", missing) + " must be set too: the issuer and the audience a JWT must name");
        }
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request,
            AuthenticationRequestContext context) {
        String token = request.getToken().getToken();
        if (!enabled || token.chars().filter(c -> c == '.').count() != 2) {
            return Uni.createFrom().nullItem();
        }
        return fromJwt(token);
    }

    private static Uni<SecurityIdentity> failed(String reason) {
        return Uni.createFrom().failure(new AuthenticationFailedException(reason));
    }

    private Uni<SecurityIdentity> fromJwt(String token) {
        JsonWebToken parsed;
        try {
            parsed = jwt.parse(token);
        } catch (ParseException e) {
            String reason = String.valueOf(e.getMessage()) + " " + (e.getCause() == null ? "" : e.getCause());
            return failed(reason.toLowerCase(Locale.ROOT).contains("expired")
                    ? "Expired bearer token"
                    : "Invalid bearer token");
        }
        String subject = parsed.getSubject() != null ? parsed.getSubject() : parsed.getName();
        // bounded here, where it enters: the name it becomes is written as who triggered, controlled or resolved
        // (a bulk action adds its own run id), and every such column holds 200 characters
        if (subject == null || subject.isBlank() || subject.length() > MAX_SUBJECT
                || !subject.chars().allMatch(c -> c >= 32 && c != 127)) {
            return failed("Invalid bearer token: its subject must be 1 to " + MAX_SUBJECT
                    + " printable characters");
        }
        // "jwt:" keeps a JWT's subject apart from the names of static tokens (which may not start with it)
        String name = PREFIX + subject;
        Role role = Role.highest(parsed.getGroups() == null ? Set.of() : parsed.getGroups()).orElse(null);
        Set<UUID> workspaces;
        try {
            workspaces = workspaces(parsed.getClaim(WORKSPACES_CLAIM));
        } catch (IllegalArgumentException e) {
            return failed("Invalid bearer token: 'workspaces' must be a list of workspace ids");
        }
        Set<String> jobs;
        try {
            jobs = jobs(parsed.getClaim(JOBS_CLAIM));
        } catch (IllegalArgumentException e) {
            return failed("Invalid bearer token: 'jobs' must be a list of job names");
        }
        // an expiry past what an Instant holds (a year beyond 1,000,000,000) never comes
        long exp = parsed.getExpirationTime();
        Instant expires = exp > 0 && exp <= Instant.MAX.getEpochSecond() ? Instant.ofEpochSecond(exp) : null;
        return Uni.createFrom().item(new Caller(name, role, workspaces, role == Role.WORKER ? jobs : null,
                () -> expires != null && !Instant.now().isBefore(expires) ? Optional.of("expired") : Optional.empty())
                .identity());
    }

    /** The workspaces of a JWT claim: absent means all; a list of UUID strings limits the token to them. */
    private static Set<UUID> workspaces(Object claim) {
        List<String> ids = strings(claim);
        return ids == null ? null : ids.stream().map(UUID::fromString).collect(Collectors.toUnmodifiableSet());
    }

    /** The jobs of a JWT claim: absent means any; a list of job names limits a worker's token to them. */
    private static Set<String> jobs(Object claim) {
        List<String> names = strings(claim);
        return names == null ? null : Set.copyOf(names);
    }

    /**
     * The strings of a claim that is a list (null if absent); {@link IllegalArgumentException} if it is not a list, or
     * holds anything but strings.
     */
    private static List<String> strings(Object claim) {
        if (claim == null) {
            return null;
        }
        if (!(claim instanceof Collection<?> values)) {
            throw new IllegalArgumentException("not a list");
        }
        List<String> strings = new ArrayList<>();
        for (Object value : values) {
            if (value instanceof jakarta.json.JsonString string) {
                strings.add(string.getString());
            } else if (value instanceof String string) {
                strings.add(string);
            } else {
                throw new IllegalArgumentException("not a string: " + value);
            }
        }
        return strings;
    }
}
