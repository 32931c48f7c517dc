package dev.jobstream.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.jobstream.config.JobstreamConfig;
import io.quarkus.runtime.StartupEvent;

/**
 * The bearer tokens this service accepts, kept as SHA-256 hashes and compared in constant time. The admin token
 * comes from {@code JOBSTREAM_ADMIN_TOKEN}; without it a random one is generated and logged once at startup.
 */
@Singleton
public class Tokens {

    private static final Logger LOG = Logger.getLogger(Tokens.class);
    public static final Set<String> ALL_ROLES = Set.of("viewer", "operator", "admin");

    private final byte[] adminHash;
    private final String generated;

    Tokens(JobstreamConfig config) {
        String admin = config.adminToken().filter(t -> !t.isBlank()).orElse(null);
        if (admin == null) {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            admin = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            generated = admin;
        } else {
            generated = null;
        }
        this.adminHash = sha256(admin);
    }

    void announce(@Observes StartupEvent event) {
        if (generated != null) {
            LOG.infof("No JOBSTREAM_ADMIN_TOKEN set; generated admin token for this process: %s", generated);
        }
    }

    /** The caller an {@code Authorization: Bearer <token>} header stands for, if any. */
    public Optional<Caller> authenticateHeader(String header) {
        String prefix = "Bearer ";
        if (header == null || !header.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return Optional.empty();
        }
        return authenticate(header.substring(prefix.length()).trim());
    }

    /** The caller a bearer token stands for, if any. */
    public Optional<Caller> authenticate(String token) {
        if (token == null || token.isEmpty() || token.length() > 4096) {
            return Optional.empty();
        }
        if (MessageDigest.isEqual(adminHash, sha256(token))) {
            return Optional.of(new Caller("admin", ALL_ROLES));
        }
        return Optional.empty();
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
