package dev.jobstream.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

import jakarta.inject.Singleton;

/**
 * A random key that exists only in this process's memory: requests that the service sends to itself (the self-test)
 * carry it in {@link #HEADER}, which lets them trigger internal jobs. No one outside the process can know it.
 */
@Singleton
public class InternalKey {

    public static final String HEADER = "X-Jobstream-Internal";

    private final String key;

    InternalKey() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.key = HexFormat.of().formatHex(random);
    }

    /** The key, for the service's own client. */
    public String value() {
        return key;
    }

    /** True if {@code presented} is this process's key (compared in constant time). */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(key.getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII));
    }
}
