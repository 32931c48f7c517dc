package dev.jobstream.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import jakarta.inject.Singleton;

import dev.jobstream.config.JobstreamConfig;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.smallrye.mutiny.Uni;

/**
 * The admin token, {@code JOBSTREAM_ADMIN_TOKEN} (in dev mode, when unset, the dev folder's; see
 * {@code DevModeConfigSource}): a caller named {@code admin} with every role but the worker's, limited to no
 * workspace. Only its SHA-256 is kept, compared in constant time. The first of the three sources of
 * {@link BearerMechanism}; a token that is not this one is left to the tokens file and then to JWTs.
 */
@Singleton
public class AdminToken implements IdentityProvider<TokenAuthenticationRequest> {

    static final int MIN_LENGTH = 32;
    static final String NAME = "admin";
    /** Where a request keeps its token's hash. */
    private static final String HASH = AdminToken.class.getName() + ".sha256";

    /** The token's hash; null when there is none (production without JOBSTREAM_ADMIN_TOKEN). */
    private final byte[] hash;
    private final int length;

    AdminToken(JobstreamConfig config) {
        String token = config.adminToken().filter(t -> !t.isBlank()).orElse(null);
        this.hash = token == null ? null : sha256(token);
        this.length = token == null ? 0 : token.length();
    }

    /** True if the service has an admin token. */
    boolean present() {
        return hash != null;
    }

    /** In production an admin token, when there is one, has at least {@value #MIN_LENGTH} characters. */
    void refuseWeak() {
        if (hash != null && length < MIN_LENGTH) {
            throw new ConfigurationException("JOBSTREAM_ADMIN_TOKEN has " + length + " characters; it needs at least "
                    + MIN_LENGTH + " (for example: openssl rand -hex 32)");
        }
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    /** Asked first: the admin token is the one a new installation uses. */
    @Override
    public int priority() {
        return 300;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request,
            AuthenticationRequestContext context) {
        if (hash != null && MessageDigest.isEqual(hash, hashOf(request))) {
            return Uni.createFrom().item(new Caller(NAME, Role.ADMIN, null).identity());
        }
        return Uni.createFrom().nullItem();
    }

    /** The SHA-256 of the request's token, hashed once however many providers ask. */
    static byte[] hashOf(TokenAuthenticationRequest request) {
        byte[] hash = request.getAttribute(HASH);
        if (hash == null) {
            hash = sha256(request.getToken().getToken());
            request.setAttribute(HASH, hash);
        }
        return hash;
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
