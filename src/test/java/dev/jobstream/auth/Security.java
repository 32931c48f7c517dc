package dev.jobstream.auth;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The tokens of the security tests: a tokens file with one token per role, a token limited to workspace
 * {@link #WORKSPACE_A}, an expired one, and an RSA key pair whose public half verifies JWTs.
 */
public final class Security {

    public static final String VIEWER = "viewer-token-0123456789";
    public static final String OPERATOR = "operator-token-0123456789";
    public static final String ADMIN = "file-admin-token-0123456789";
    public static final String SCOPED = "scoped-operator-token-0123456789";
    public static final String EXPIRED = "expired-token-0123456789";
    /** A worker's token: claims runs of any job executed by workers, in every workspace. */
    public static final String WORKER = "worker-token-0123456789";
    /** A worker's token limited to workspace {@link #WORKSPACE_A} and the job {@link #SCOPED_WORKER_JOB}. */
    public static final String SCOPED_WORKER = "scoped-worker-token-0123456789";
    public static final String SCOPED_WORKER_JOB = "remote.scoped";
    public static final String WORKSPACE_A = "aaaaaaaa-0000-4000-8000-000000000001";
    public static final String WORKSPACE_B = "bbbbbbbb-0000-4000-8000-000000000002";
    public static final String ISSUER = "https://issuer.jobstream.test";
    public static final String AUDIENCE = "jobstream-test";

    static final Path DIR = Path.of("target", "security");
    static final Path TOKENS = DIR.resolve("tokens.json");
    static final Path PUBLIC_KEY = DIR.resolve("jwt-public.pem");
    static final Path PRIVATE_KEY = DIR.resolve("jwt-private.der");

    private Security() {
    }

    /** The profile of the security tests: the tokens file and the JWT key. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            write();
            return Map.of("jobstream.tokens-file", TOKENS.toAbsolutePath().toString(),
                    "mp.jwt.verify.publickey.location", PUBLIC_KEY.toUri().toString(),
                    "mp.jwt.verify.issuer", ISSUER, "mp.jwt.verify.audiences", AUDIENCE);
        }
    }

    public static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    static synchronized void write() {
        try {
            Files.createDirectories(DIR);
            JsonArray tokens = new JsonArray()
                    .add(entry("viewer", VIEWER, List.of("viewer"), null, null))
                    .add(entry("operator", OPERATOR, List.of("operator"), null, null))
                    .add(entry("file-admin", ADMIN, List.of("viewer", "admin"), null, null))
                    .add(entry("scoped", SCOPED, List.of("operator"), List.of(WORKSPACE_A), null))
                    .add(entry("expired", EXPIRED, List.of("admin"), null, "2020-01-01T00:00:00Z"))
                    .add(entry("worker", WORKER, List.of("worker"), null, null))
                    .add(entry("scoped-worker", SCOPED_WORKER, List.of("worker"), List.of(WORKSPACE_A), null)
                            .put("jobs", new JsonArray().add(SCOPED_WORKER_JOB)));
            Files.writeString(TOKENS, tokens.encodePrettily());
            if (!Files.exists(PRIVATE_KEY)) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                KeyPair pair = generator.generateKeyPair();
                Files.write(PRIVATE_KEY, pair.getPrivate().getEncoded());
                Files.writeString(PUBLIC_KEY, "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                .encodeToString(pair.getPublic().getEncoded())
                        + "\n-----END PUBLIC KEY-----\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonObject entry(String name, String token, List<String> roles, List<String> workspaces,
            String expires) {
        JsonObject entry = new JsonObject().put("name", name).put("sha256", sha256(token))
                .put("roles", new JsonArray(roles));
        if (workspaces != null) {
            entry.put("workspaces", new JsonArray(workspaces));
        }
        if (expires != null) {
            entry.put("expires_at", expires);
        }
        return entry;
    }

    static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JWT signed with the test key (RS256): subject, groups, optional workspaces, expiry. */
    public static String jwt(String subject, List<String> groups, List<String> workspaces, Instant expires) {
        JsonObject claims = new JsonObject().put("iss", ISSUER).put("aud", AUDIENCE).put("sub", subject)
                .put("groups", new JsonArray(groups)).put("iat", Instant.now().getEpochSecond() - 60)
                .put("exp", expires.getEpochSecond());
        if (workspaces != null) {
            claims.put("workspaces", new JsonArray(workspaces));
        }
        return sign(claims);
    }

    /** A JWT of any claims, signed with the test key (RS256). */
    public static String sign(JsonObject claims) {
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        String header = url.encodeToString(new JsonObject().put("alg", "RS256").put("typ", "JWT").encode()
                .getBytes(StandardCharsets.UTF_8));
        String payload = url.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
        try {
            PrivateKey key = KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(PRIVATE_KEY)));
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
            return header + "." + payload + "." + url.encodeToString(signature.sign());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
