package dev.jobstream.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The tokens of dev mode, one of each role, made once for a dev folder ({@code target/jobstream-dev}, beside the dev
 * database) and kept there: the same across live reloads and restarts, until the folder is deleted. The admin token
 * becomes {@code jobstream.admin-token}; the others are the entries of a tokens file ({@code tokens.json}, their
 * SHA-256 hashes) that becomes {@code jobstream.tokens-file}. Their plain values are in {@code tokens.properties}.
 */
public final class DevCredentials {

    /** The roles that get a dev token, in the order the banner shows them. */
    static final String[] ROLES = {"admin", "operator", "viewer", "worker"};
    static final String PLAIN = "tokens.properties";
    static final String FILE = "tokens.json";

    private final Path directory;
    private final Map<String, String> tokens;

    private DevCredentials(Path directory, Map<String, String> tokens) {
        this.directory = directory;
        this.tokens = tokens;
    }

    /** The dev tokens kept in {@code directory}, made there first if there are none. */
    public static synchronized DevCredentials in(Path directory) {
        try {
            Files.createDirectories(directory);
            Path plain = directory.resolve(PLAIN);
            Properties stored = new Properties();
            if (Files.exists(plain)) {
                try (var in = Files.newBufferedReader(plain, StandardCharsets.UTF_8)) {
                    stored.load(in);
                }
            }
            Map<String, String> tokens = new LinkedHashMap<>();
            boolean made = false;
            for (String role : ROLES) {
                String token = stored.getProperty(role);
                if (token == null || token.length() < 32) {
                    token = "dev-" + role + "-" + random();
                    made = true;
                }
                tokens.put(role, token);
            }
            if (made || !Files.exists(directory.resolve(FILE))) {
                write(directory, tokens);
            }
            return new DevCredentials(directory, tokens);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not keep the dev tokens in " + directory, e);
        }
    }

    /** The token of a role. */
    public String token(String role) {
        return tokens.get(role);
    }

    /** The tokens by role, admin first. */
    public Map<String, String> tokens() {
        return Map.copyOf(tokens);
    }

    /** The tokens file of the roles but admin. */
    public Path tokensFile() {
        return directory.resolve(FILE);
    }

    public Path directory() {
        return directory;
    }

    private static void write(Path directory, Map<String, String> tokens) throws IOException {
        Properties plain = new Properties();
        tokens.forEach(plain::setProperty);
        try (var out = Files.newBufferedWriter(directory.resolve(PLAIN), StandardCharsets.UTF_8)) {
            plain.store(out, "jobstream dev mode: the tokens of this dev database (delete the folder for new ones)");
        }
        StringBuilder file = new StringBuilder("[\n");
        String separator = "";
        for (Map.Entry<String, String> entry : tokens.entrySet()) {
            if (entry.getKey().equals("admin")) {
                continue; // the admin token is JOBSTREAM_ADMIN_TOKEN
            }
            file.append(separator).append("  {\"name\": \"dev-").append(entry.getKey()).append("\", \"sha256\": \"")
                    .append(sha256(entry.getValue())).append("\", \"roles\": [\"").append(entry.getKey())
                    .append("\"]}");
            separator = ",\n";
        }
        Files.writeString(directory.resolve(FILE), file.append("\n]\n").toString(), StandardCharsets.UTF_8);
    }

    private static String random() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
