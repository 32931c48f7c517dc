package dev.jobstream.webhook;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

import dev.jobstream.refusal.Invalid;

/**
 * A webhook's URL, checked for its form: absolute {@code http} or {@code https}, a host, no user info, no fragment,
 * at most {@value #MAX_LENGTH} characters. Where it may send is {@link AllowList}'s business, at registration and at
 * each delivery.
 */
record Target(String url, String host, int port, boolean https, String pathAndQuery) {

    static final int MAX_LENGTH = 2000;

    /** The URL parsed; invalid naming what is wrong with it. */
    static Target parse(String url) {
        if (url == null || url.isBlank()) {
            throw new Invalid("'url' is required: the http or https URL deliveries are POSTed to");
        }
        if (url.length() > MAX_LENGTH) {
            throw new Invalid("'url' is longer than " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new Invalid("'url' is not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
            throw new Invalid("'url' must be an absolute http or https URL");
        }
        if (uri.getRawUserInfo() != null || url.substring(scheme.length()).matches("://[^/?#]*@.*")) {
            throw new Invalid("'url' must not carry a user or password: the signature authenticates deliveries");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new Invalid("'url' must name a host");
        }
        if (uri.getRawFragment() != null) {
            throw new Invalid("'url' must not have a fragment");
        }
        boolean https = scheme.equals("https");
        int port = uri.getPort() == -1 ? (https ? 443 : 80) : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new Invalid("'url' must have a port of 1 to 65535");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        String host = uri.getHost().replaceAll("^\\[|\\]$", "").toLowerCase(Locale.ROOT);
        return new Target(url, host, port, https, path + query);
    }
}
