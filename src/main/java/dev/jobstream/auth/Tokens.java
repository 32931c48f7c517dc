package dev.jobstream.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jobstream.config.JobstreamConfig;
import dev.jobstream.config.StartupOrder;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * The bearer tokens this service accepts: the admin token ({@code JOBSTREAM_ADMIN_TOKEN}; in dev mode, when unset,
 * the dev folder's, see {@code DevModeConfigSource}; in production at least 32 characters, and the service refuses to
 * start without any way to authenticate), the tokens of {@code JOBSTREAM_TOKENS_FILE} — kept as SHA-256 hashes
 * and compared in constant time; the file is validated at startup (an invalid file stops the service with the
 * reason) and re-read when it changes (an invalid change is logged and ignored) — and JWTs signed with the key of
 * {@code mp.jwt.verify.publickey.location} (roles from {@code groups}, workspaces from the {@code workspaces}
 * claim, a worker's jobs from the {@code jobs} claim).
 */
@Singleton
public class Tokens {

    private static final Logger LOG = Logger.getLogger(Tokens.class);
    /** How often the tokens file's modification time is looked at. */
    private static final long RELOAD_CHECK_MILLIS = 1000;
    static final int MIN_ADMIN_TOKEN_LENGTH = 32;
    /** Who a JWT stands for: {@code jwt:<subject>}, never the name of a static token. */
    static final String JWT_PREFIX = "jwt:";
    /** The longest subject of a JWT, as long as the name of a static token. */
    static final int MAX_SUBJECT = 100;
    static final String WORKSPACES_CLAIM = "workspaces";
    static final String JOBS_CLAIM = "jobs";

    /** The result of authenticating a request: a caller, or why there is none. */
    public record Authentication(Caller caller, String failure) {

        static Authentication of(Caller caller) {
            return new Authentication(caller, null);
        }

        static Authentication failed(String failure) {
            return new Authentication(null, failure);
        }

        public boolean ok() {
            return caller != null;
        }
    }

    /** One token of the file. */
    private record Entry(String name, byte[] hash, Role role, Set<UUID> workspaces, Set<String> jobs,
            Instant expiresAt) {
        boolean sameAs(Entry other) {
            return MessageDigest.isEqual(hash, other.hash) && name.equals(other.name) && role == other.role
                    && Objects.equals(workspaces, other.workspaces) && Objects.equals(jobs, other.jobs)
                    && Objects.equals(expiresAt, other.expiresAt);
        }
    }

    /** The admin token's hash; null when there is none (production without JOBSTREAM_ADMIN_TOKEN). */
    private final byte[] adminHash;
    private final int adminLength;
    private final boolean production;
    private final Optional<Path> file;
    private final ObjectMapper json;
    private final JWTParser jwt;
    private final boolean jwtEnabled;
    private final boolean jwtKeyLocation;

    private volatile List<Entry> entries = List.of();
    private volatile FileTime loaded;
    private volatile long checkedAt;

    Tokens(JobstreamConfig config, ObjectMapper json, JWTParser jwt) {
        String admin = config.adminToken().filter(t -> !t.isBlank()).orElse(null);
        this.production = LaunchMode.current() == LaunchMode.NORMAL;
        this.adminHash = admin == null ? null : sha256(admin);
        this.adminLength = admin == null ? 0 : admin.length();
        this.file = config.tokensFile().filter(f -> !f.isBlank()).map(Path::of);
        this.json = json;
        this.jwt = jwt;
        this.jwtKeyLocation = isSet("mp.jwt.verify.publickey.location");
        this.jwtEnabled = jwtKeyLocation || isSet("mp.jwt.verify.publickey");
    }

    /** True if the MicroProfile setting {@code name} has a value that is not blank. */
    private static boolean isSet(String name) {
        return ConfigProvider.getConfig().getOptionalValue(name, String.class).filter(v -> !v.isBlank()).isPresent();
    }

    void start(@Observes @Priority(StartupOrder.CONFIGURATION) StartupEvent event) {
        if (production) {
            refuseWeakAuthentication();
        }
        // (dev and test mode without a key location have the in-memory key of smallrye-jwt, which signs nothing real)
        if (jwtEnabled && (production || jwtKeyLocation)) {
            requireJwtBinding();
        }
        if (file.isPresent()) {
            try {
                load(file.get());
            } catch (InvalidTokensFile e) {
                throw new ConfigurationException("JOBSTREAM_TOKENS_FILE " + file.get() + ": " + e.getMessage());
            }
            LOG.infof(
                    adminHash == null ? "Loaded %d tokens from %s" : "Loaded %d tokens from %s, beside the admin token",
                    entries.size(), file.get());
        }
        if (jwtEnabled) {
            LOG.info("JWT bearer tokens are accepted (mp.jwt.verify.publickey.location)");
        }
    }

    /**
     * A JWT key is accepted only with the issuer and the audience its tokens must name ({@code mp.jwt.verify.issuer},
     * {@code mp.jwt.verify.audiences}): without them any token the key's owner ever signed, for any service, would do.
     */
    private static void requireJwtBinding() {
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

    /**
     * In production the service starts only with a way to authenticate — an admin token of at least
     * {@value #MIN_ADMIN_TOKEN_LENGTH} characters, a tokens file, or a JWT key — and never with a short admin token.
     */
    private void refuseWeakAuthentication() {
        if (adminHash != null && adminLength < MIN_ADMIN_TOKEN_LENGTH) {
            throw new ConfigurationException(
                    "JOBSTREAM_ADMIN_TOKEN has " + adminLength + " characters; it needs at least "
                            + MIN_ADMIN_TOKEN_LENGTH + " (for example: openssl rand -hex 32)");
        }
        if (adminHash == null && file.isEmpty() && !jwtEnabled) {
            throw new ConfigurationException("No way to authenticate requests: set JOBSTREAM_ADMIN_TOKEN (at least "
                    + MIN_ADMIN_TOKEN_LENGTH
                    + " characters), JOBSTREAM_TOKENS_FILE, or MP_JWT_VERIFY_PUBLICKEY_LOCATION");
        }
    }

    /** The caller an {@code Authorization: Bearer <token>} header stands for, or why none. */
    public Authentication authenticateHeader(String header) {
        String prefix = "Bearer ";
        if (header == null || header.isBlank()) {
            return Authentication.failed("Missing bearer token");
        }
        if (!header.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return Authentication.failed("Authorization must be 'Bearer <token>'");
        }
        return authenticate(header.substring(prefix.length()).trim());
    }

    /** The caller a bearer token stands for, or why none. */
    public Authentication authenticate(String token) {
        if (token == null || token.isEmpty() || token.length() > 8192) {
            return Authentication.failed("Invalid bearer token");
        }
        byte[] hash = sha256(token);
        if (adminHash != null && MessageDigest.isEqual(adminHash, hash)) {
            return Authentication.of(new Caller("admin", Role.ADMIN, null));
        }
        reloadIfChanged();
        Entry found = null;
        for (Entry entry : entries) {
            // every entry is compared, so the time taken does not tell which one matched
            if (MessageDigest.isEqual(entry.hash(), hash) && found == null) {
                found = entry;
            }
        }
        if (found != null) {
            if (found.expiresAt() != null && !Instant.now().isBefore(found.expiresAt())) {
                return Authentication.failed("Expired bearer token");
            }
            Entry entry = found;
            return Authentication.of(new Caller(found.name(), found.role(), found.workspaces(), found.jobs(),
                    () -> ended(entry)));
        }
        if (jwtEnabled && token.chars().filter(c -> c == '.').count() == 2) {
            return fromJwt(token);
        }
        return Authentication.failed("Invalid bearer token");
    }

    private Authentication fromJwt(String token) {
        JsonWebToken parsed;
        try {
            parsed = jwt.parse(token);
        } catch (ParseException e) {
            String reason = String.valueOf(e.getMessage()) + " " + (e.getCause() == null ? "" : e.getCause());
            return Authentication.failed(reason.toLowerCase(java.util.Locale.ROOT).contains("expired")
                    ? "Expired bearer token"
                    : "Invalid bearer token");
        }
        String subject = parsed.getSubject() != null ? parsed.getSubject() : parsed.getName();
        // bounded here, where it enters: the name it becomes is written as who triggered, controlled or resolved
        // (a bulk action adds its own run id), and every such column holds 200 characters
        if (subject == null || subject.isBlank() || subject.length() > MAX_SUBJECT
                || !subject.chars().allMatch(c -> c >= 32 && c != 127)) {
            return Authentication.failed("Invalid bearer token: its subject must be 1 to " + MAX_SUBJECT
                    + " printable characters");
        }
        // "jwt:" keeps a JWT's subject apart from the names of static tokens (which may not start with it)
        String name = JWT_PREFIX + subject;
        Role role = Role.highest(parsed.getGroups() == null ? Set.of() : parsed.getGroups()).orElse(null);
        Set<UUID> workspaces;
        try {
            workspaces = workspaces(parsed.getClaim(WORKSPACES_CLAIM));
        } catch (IllegalArgumentException e) {
            return Authentication.failed("Invalid bearer token: 'workspaces' must be a list of workspace ids");
        }
        Set<String> jobs;
        try {
            jobs = jobs(parsed.getClaim(JOBS_CLAIM));
        } catch (IllegalArgumentException e) {
            return Authentication.failed("Invalid bearer token: 'jobs' must be a list of job names");
        }
        // an expiry past what an Instant holds (a year beyond 1,000,000,000) never comes
        long exp = parsed.getExpirationTime();
        Instant expires = exp > 0 && exp <= Instant.MAX.getEpochSecond() ? Instant.ofEpochSecond(exp) : null;
        return Authentication.of(new Caller(name, role, workspaces, role == Role.WORKER ? jobs : null,
                () -> expires != null && !Instant.now().isBefore(expires) ? Optional.of("expired") : Optional.empty()));
    }

    /**
     * Why a token of the file no longer holds: gone from the file, or changed there (its role, workspaces or expiry:
     * what was granted is no longer), or past its expiry; empty while it holds.
     */
    private Optional<String> ended(Entry entry) {
        reloadIfChanged();
        if (entries.stream().noneMatch(entry::sameAs)) {
            return Optional.of("revoked");
        }
        if (entry.expiresAt() != null && !Instant.now().isBefore(entry.expiresAt())) {
            return Optional.of("expired");
        }
        return Optional.empty();
    }

    /** The workspaces of a JWT claim: absent means all; a list of UUID strings limits the token to them. */
    private static Set<UUID> workspaces(Object claim) {
        if (claim == null) {
            return null;
        }
        Set<UUID> workspaces = new HashSet<>();
        if (claim instanceof jakarta.json.JsonArray array) {
            for (int i = 0; i < array.size(); i++) {
                workspaces.add(UUID.fromString(array.getString(i)));
            }
        } else if (claim instanceof Collection<?> values) {
            for (Object value : values) {
                workspaces.add(UUID.fromString(String.valueOf(value).replace("\"", "")));
            }
        } else {
            throw new IllegalArgumentException("not a list");
        }
        return Set.copyOf(workspaces);
    }

    /** The jobs of a JWT claim: absent means any; a list of job names limits a worker's token to them. */
    private static Set<String> jobs(Object claim) {
        if (claim == null) {
            return null;
        }
        Set<String> jobs = new HashSet<>();
        if (claim instanceof jakarta.json.JsonArray array) {
            for (int i = 0; i < array.size(); i++) {
                jobs.add(array.getString(i));
            }
        } else if (claim instanceof Collection<?> values) {
            for (Object value : values) {
                jobs.add(String.valueOf(value).replace("\"", ""));
            }
        } else {
            throw new IllegalArgumentException("not a list");
        }
        return Set.copyOf(jobs);
    }

    private void reloadIfChanged() {
        if (file.isEmpty() || System.currentTimeMillis() - checkedAt < RELOAD_CHECK_MILLIS) {
            return;
        }
        checkedAt = System.currentTimeMillis();
        try {
            FileTime modified = Files.getLastModifiedTime(file.get());
            if (!modified.equals(loaded)) {
                load(file.get());
                LOG.infof("Reloaded %d tokens from %s", entries.size(), file.get());
            }
        } catch (NoSuchFileException e) {
            if (!entries.isEmpty()) {
                LOG.warnf("JOBSTREAM_TOKENS_FILE %s was deleted: its %d tokens are revoked", file.get(),
                        entries.size());
            }
            entries = List.of();
            loaded = null;
        } catch (IOException | InvalidTokensFile e) {
            LOG.errorf("JOBSTREAM_TOKENS_FILE %s not reloaded, keeping the %d tokens loaded before: %s", file.get(),
                    entries.size(), e.getMessage());
        }
    }

    private synchronized void load(Path path) {
        FileTime modified;
        JsonNode root;
        try {
            modified = Files.getLastModifiedTime(path);
            root = json.readTree(Files.readString(path, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new InvalidTokensFile("cannot read it as JSON: " + e.getMessage());
        }
        if (root == null || !root.isArray()) {
            throw new InvalidTokensFile("must be a JSON array of {\"name\", \"sha256\", \"roles\", \"workspaces\"}");
        }
        List<Entry> read = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < root.size(); i++) {
            Entry entry = entry(root.get(i), "entry " + (i + 1));
            if (!names.add(entry.name())) {
                throw new InvalidTokensFile("entry " + (i + 1) + ": name '" + entry.name() + "' is used twice");
            }
            read.add(entry);
        }
        entries = List.copyOf(read);
        loaded = modified;
    }

    private static Entry entry(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw new InvalidTokensFile(where + ": must be an object");
        }
        Set<String> known = Set.of("name", "sha256", "roles", "workspaces", "jobs", "expires_at");
        node.fieldNames().forEachRemaining(field -> {
            if (!known.contains(field)) {
                throw new InvalidTokensFile(where + ": unknown field '" + field + "' (known: " + known + ")");
            }
        });
        String name = node.path("name").asText("");
        if (!name.matches("[A-Za-z0-9._@:-]{1,100}")) {
            throw new InvalidTokensFile(where + ": 'name' must be 1-100 letters, digits or ._@:-");
        }
        if (name.startsWith(JWT_PREFIX) || name.equals("admin")) {
            throw new InvalidTokensFile(where + ": 'name' may not be 'admin' or start with '" + JWT_PREFIX
                    + "' (they name the admin token and JWTs)");
        }
        String sha = node.path("sha256").asText("");
        if (!sha.matches("[0-9a-fA-F]{64}")) {
            throw new InvalidTokensFile(where + " (" + name + "): 'sha256' must be 64 hex digits, the SHA-256 of the"
                    + " token (e.g. printf %s \"$TOKEN\" | sha256sum)");
        }
        JsonNode roles = node.path("roles");
        if (!roles.isArray() || roles.isEmpty()) {
            throw new InvalidTokensFile(where + " (" + name + "): 'roles' must list viewer, operator or admin, or be"
                    + " [\"worker\"]");
        }
        List<String> roleNames = new ArrayList<>();
        for (JsonNode role : roles) {
            if (Role.parse(role.asText()).isEmpty()) {
                throw new InvalidTokensFile(where + " (" + name + "): unknown role '" + role.asText()
                        + "' (viewer, operator, admin, worker)");
            }
            roleNames.add(role.asText());
        }
        Role role = Role.highest(roleNames).orElseThrow();
        if (roleNames.contains(Role.WORKER.value()) && roleNames.size() > 1) {
            throw new InvalidTokensFile(where + " (" + name + "): a worker's token has no other role");
        }
        Set<String> jobs = null;
        JsonNode served = node.path("jobs");
        if (!served.isMissingNode() && !served.isNull()) {
            if (role != Role.WORKER) {
                throw new InvalidTokensFile(where + " (" + name + "): 'jobs' limits a worker's token only");
            }
            if (!served.isArray() || served.isEmpty()) {
                throw new InvalidTokensFile(where + " (" + name + "): 'jobs' must be a non-empty list of job names,"
                        + " or absent for any job executed by workers");
            }
            Set<String> names = new LinkedHashSet<>();
            served.forEach(job -> names.add(job.asText()));
            jobs = Set.copyOf(names);
        }
        Set<UUID> workspaces = null;
        JsonNode scope = node.path("workspaces");
        if (!scope.isMissingNode() && !scope.isNull()) {
            if (!scope.isArray() || scope.isEmpty()) {
                throw new InvalidTokensFile(where + " (" + name + "): 'workspaces' must be a non-empty list of"
                        + " workspace ids, or absent for all workspaces");
            }
            Set<UUID> ids = new LinkedHashSet<>();
            for (JsonNode id : scope) {
                try {
                    ids.add(UUID.fromString(id.asText()));
                } catch (IllegalArgumentException e) {
                    throw new InvalidTokensFile(where + " (" + name + "): '" + id.asText() + "' is not a workspace id");
                }
            }
            workspaces = Set.copyOf(ids);
        }
        Instant expires = null;
        JsonNode expiresAt = node.path("expires_at");
        if (!expiresAt.isMissingNode() && !expiresAt.isNull()) {
            try {
                expires = Instant.parse(expiresAt.asText());
            } catch (java.time.format.DateTimeParseException e) {
                throw new InvalidTokensFile(where + " (" + name + "): 'expires_at' must be an ISO-8601 instant");
            }
        }
        return new Entry(name, HexFormat.of().parseHex(sha.toLowerCase(java.util.Locale.ROOT)),
                role, workspaces, jobs, expires);
    }

    /** The tokens file is not what it should be; the message says where and why. */
    static final class InvalidTokensFile extends RuntimeException {
        InvalidTokensFile(String message) {
            super(message, null, false, false);
        }
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
