package dev.jobstream.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jobstream.config.JobstreamConfig;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.smallrye.mutiny.Uni;

/**
 * The tokens of {@code JOBSTREAM_TOKENS_FILE}: a JSON array of {@code {name, sha256, roles, workspaces, jobs,
 * expires_at}}, kept as SHA-256 hashes and compared in constant time. The file is validated at startup (an invalid
 * file stops the service with the reason) and re-read when it changes (an invalid change is logged and ignored); a
 * token removed or changed there is revoked, also for the streams it holds open ({@link Caller.Validity}). The second
 * of the three sources of {@link BearerMechanism}.
 */
@Singleton
public class TokensFile implements IdentityProvider<TokenAuthenticationRequest> {

    private static final Logger LOG = Logger.getLogger(TokensFile.class);
    /** How often the file's modification time is looked at. */
    private static final long RELOAD_CHECK_MILLIS = 1000;

    /** One token of the file. */
    private record Entry(String name, byte[] hash, Role role, Set<UUID> workspaces, Set<String> jobs,
            Instant expiresAt) {
        boolean sameAs(Entry other) {
            return MessageDigest.isEqual(hash, other.hash) && name.equals(other.name) && role == other.role
                    && Objects.equals(workspaces, other.workspaces) && Objects.equals(jobs, other.jobs)
                    && Objects.equals(expiresAt, other.expiresAt);
        }
    }

    private final Optional<Path> file;
    private final ObjectMapper json;

    private volatile List<Entry> entries = List.of();
    private volatile FileTime loaded;
    private volatile long checkedAt;

    TokensFile(JobstreamConfig config, ObjectMapper json) {
        this.file = config.tokensFile().filter(f -> !f.isBlank()).map(Path::of);
        this.json = json;
    }

    /** True if the service reads a tokens file. */
    boolean present() {
        return file.isPresent();
    }

    /** Reads the file at startup: an invalid file refuses the start, with where and why. */
    void loadAtStart(boolean besideAdminToken) {
        if (file.isEmpty()) {
            return;
        }
        try {
            load(file.get());
        } catch (InvalidTokensFile e) {
            throw new ConfigurationException("JOBSTREAM_TOKENS_FILE " + file.get() + ": " + e.getMessage());
        }
        LOG.infof(besideAdminToken ? "Loaded %d tokens from %s, beside the admin token" : "Loaded %d tokens from %s",
                entries.size(), file.get());
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public int priority() {
        return 200;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request,
            AuthenticationRequestContext context) {
        if (file.isEmpty()) {
            return Uni.createFrom().nullItem();
        }
        byte[] hash = AdminToken.hashOf(request);
        reloadIfChanged();
        Entry found = null;
        for (Entry entry : entries) {
            // every entry is compared, so the time taken does not tell which one matched
            if (MessageDigest.isEqual(entry.hash(), hash) && found == null) {
                found = entry;
            }
        }
        if (found == null) {
            return Uni.createFrom().nullItem();
        }
        if (found.expiresAt() != null && !Instant.now().isBefore(found.expiresAt())) {
            return Uni.createFrom().failure(new AuthenticationFailedException("Expired bearer token"));
        }
        Entry entry = found;
        return Uni.createFrom().item(new Caller(found.name(), found.role(), found.workspaces(), found.jobs(),
                () -> ended(entry)).identity());
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
        if (name.startsWith(JwtTokens.PREFIX) || name.equals(AdminToken.NAME)) {
            throw new InvalidTokensFile(where + ": 'name' may not be 'admin' or start with '" + JwtTokens.PREFIX
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

}
