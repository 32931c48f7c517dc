package dev.jobstream.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a delivery is signed, as Stripe signs its webhooks: the header {@value #HEADER} is
 * {@code t=<unix seconds>,v1=<hex HMAC-SHA256>}, the HMAC keyed with the webhook's secret (its UTF-8 bytes, prefix
 * included) over {@code t + "." + body}. A receiver computes the same and compares in constant time, and refuses a
 * {@code t} far from its clock (a replayed delivery).
 */
final class Signature {

    static final String HEADER = "Jobstream-Signature";
    /** What a secret begins with, so that one found in a log or a file says what it is. */
    static final String SECRET_PREFIX = "whsec_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Signature() {
    }

    /** A new secret: {@value #SECRET_PREFIX} and 32 random bytes, base64url. */
    static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The value of {@value #HEADER} for {@code body} sent at {@code unixSeconds}. */
    static String header(String secret, long unixSeconds, byte[] body) {
        return "t=" + unixSeconds + ",v1=" + hmac(secret, unixSeconds, body);
    }

    /** The hex HMAC-SHA256, keyed with {@code secret}, of {@code unixSeconds + "." + body}. */
    static String hmac(String secret, long unixSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((unixSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
