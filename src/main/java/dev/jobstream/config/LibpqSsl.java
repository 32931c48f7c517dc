package dev.jobstream.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;

/**
 * TLS to PostgreSQL as libpq reads it: {@code PGSSLMODE} (disable, allow, prefer, require, verify-ca, verify-full) and
 * {@code PGSSLROOTCERT} (the PEM file of the CA that signed the server's certificate, needed by verify-ca and
 * verify-full). Applied to the reactive pool, the migration connection (JDBC) and the dedicated LISTEN and lock
 * connections alike. Without {@code PGSSLMODE} the drivers' defaults hold (no TLS for the reactive client).
 */
public record LibpqSsl(String mode, Optional<String> rootCert) {

    static final Set<String> MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    /** The settings of the environment, or empty when {@code PGSSLMODE} is unset. */
    public static Optional<LibpqSsl> fromEnvironment() {
        return of(System.getenv("PGSSLMODE"), System.getenv("PGSSLROOTCERT"));
    }

    static Optional<LibpqSsl> of(String mode, String rootCert) {
        if (mode == null || mode.isBlank()) {
            return Optional.empty();
        }
        String normalised = mode.trim().toLowerCase(Locale.ROOT);
        if (!MODES.contains(normalised)) {
            throw new IllegalArgumentException("PGSSLMODE '" + mode + "' is not one of " + MODES);
        }
        Optional<String> cert = Optional.ofNullable(rootCert).filter(c -> !c.isBlank());
        if (normalised.startsWith("verify") && cert.isEmpty()) {
            throw new IllegalArgumentException("PGSSLMODE " + normalised
                    + " needs PGSSLROOTCERT: the PEM file of the CA that signed the server's certificate");
        }
        return Optional.of(new LibpqSsl(normalised, cert));
    }

    /** The Quarkus datasource settings that carry these to the reactive pool and to the JDBC connection. */
    Map<String, String> datasourceSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("quarkus.datasource.reactive.postgresql.ssl-mode", mode);
        settings.put("quarkus.datasource.jdbc.additional-jdbc-properties.sslmode", mode);
        rootCert.ifPresent(cert -> {
            settings.put("quarkus.datasource.reactive.trust-certificate-pem", "true");
            settings.put("quarkus.datasource.reactive.trust-certificate-pem.certs", cert);
            settings.put("quarkus.datasource.jdbc.additional-jdbc-properties.sslrootcert", cert);
        });
        if (mode.equals("verify-full")) {
            settings.put("quarkus.datasource.reactive.hostname-verification-algorithm", "HTTPS");
        }
        return settings;
    }

    /** The same, on options of a connection made outside the pool. */
    public PgConnectOptions applyTo(PgConnectOptions options) {
        options.setSslMode(SslMode.of(mode));
        rootCert.ifPresent(cert -> options.setPemTrustOptions(new PemTrustOptions().addCertPath(cert)));
        if (mode.equals("verify-full")) {
            options.setHostnameVerificationAlgorithm("HTTPS");
        }
        return options;
    }
}
