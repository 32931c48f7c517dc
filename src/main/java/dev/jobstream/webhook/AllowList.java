package dev.jobstream.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where a webhook may send: not to an internal address — loopback, link-local (the cloud's metadata service
 * 169.254.169.254 among them), private, unique-local, shared (CGNAT), unspecified, multicast or reserved, nor any of
 * them written as an IPv4-mapped IPv6 address — unless {@code jobstream.webhooks.allow-private} is set, or the host
 * (by name) or the address (in a CIDR block) is in {@code jobstream.webhooks.allowed-hosts}. A host is checked with
 * every address it resolves to: one refused address refuses it.
 */
public final class AllowList {

    /** A block of addresses, and what an address in it is called in a refusal. */
    record Block(byte[] network, int prefix, String kind) {

        static Block of(String cidr, String kind) {
            String[] parts = cidr.split("/", 2);
            byte[] network = literal(parts[0]);
            if (network == null) {
                throw new IllegalArgumentException("not an IP address: " + parts[0]);
            }
            int bits = network.length * 8;
            int prefix;
            try {
                prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : bits;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a prefix length: " + parts[1]);
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("a prefix length of 0 to " + bits + " is needed: " + cidr);
            }
            return new Block(network, prefix, kind);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The internal blocks, refused unless allowed. */
    static final List<Block> INTERNAL = List.of(
            Block.of("0.0.0.0/8", "an unspecified address"),
            Block.of("10.0.0.0/8", "a private address"),
            Block.of("100.64.0.0/10", "a shared (CGNAT) address"),
            Block.of("127.0.0.0/8", "a loopback address"),
            Block.of("169.254.0.0/16", "a link-local address"),
            Block.of("172.16.0.0/12", "a private address"),
            Block.of("192.0.0.0/24", "a reserved address"),
            Block.of("192.168.0.0/16", "a private address"),
            Block.of("198.18.0.0/15", "a reserved address"),
            Block.of("224.0.0.0/4", "a multicast address"),
            Block.of("240.0.0.0/4", "a reserved address"),
            Block.of("::/128", "an unspecified address"),
            Block.of("::1/128", "a loopback address"),
            Block.of("::/96", "a reserved address"),
            Block.of("fc00::/7", "a unique-local address"),
            Block.of("fe80::/10", "a link-local address"),
            Block.of("ff00::/8", "a multicast address"));

    private final boolean allowPrivate;
    private final Set<String> hosts = new TreeSet<>();
    private final List<Block> allowed = new ArrayList<>();

    /**
     * {@code allowedHosts}: host names, addresses and CIDR blocks allowed even if internal; an entry that is neither
     * a name nor a block is refused (the service does not start).
     */
    public AllowList(boolean allowPrivate, Optional<List<String>> allowedHosts) {
        this.allowPrivate = allowPrivate;
        for (String entry : allowedHosts.orElse(List.of())) {
            String host = entry.trim().toLowerCase(Locale.ROOT);
            if (host.isEmpty()) {
                continue;
            }
            if (host.contains("/") || literal(host.replaceAll("^\\[|\\]$", "")) != null) {
                allowed.add(Block.of(host.replaceAll("^\\[|\\]$", ""), "allowed"));
            } else if (host.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
                hosts.add(host);
            } else {
                throw new IllegalArgumentException("jobstream.webhooks.allowed-hosts: '" + entry
                        + "' is neither a host name nor an address or CIDR block");
            }
        }
    }

    /** The defaults: nothing internal allowed. */
    public static AllowList strict() {
        return new AllowList(false, Optional.empty());
    }

    /** True when {@code host} (as a URL writes it) is allowed by name, whatever it resolves to. */
    boolean allowsByName(String host) {
        return hosts.contains(host.toLowerCase(Locale.ROOT));
    }

    /**
     * Why {@code address} may not be sent to, as {@code host} named it ("is" for a literal address, "resolves to"
     * for a name); empty if it may.
     */
    Optional<String> refusal(String host, InetAddress address) {
        if (allowPrivate || allowsByName(host)) {
            return Optional.empty();
        }
        byte[] bytes = unmapped(address);
        if (allowed.stream().anyMatch(block -> block.contains(bytes))) {
            return Optional.empty();
        }
        String shown = ip(bytes);
        boolean literal = literal(host) != null;
        return INTERNAL.stream().filter(block -> block.contains(bytes)).findFirst()
                .map(block -> "'" + host + "' " + (literal ? "is " : "resolves to ") + block.kind() + " " + shown
                        + " (jobstream.webhooks.allow-private, jobstream.webhooks.allowed-hosts)");
    }

    /** Why {@code host} may not be sent to at any of its {@code addresses}; empty if it may at all of them. */
    Optional<String> refusal(String host, List<InetAddress> addresses) {
        for (InetAddress address : addresses) {
            Optional<String> refused = refusal(host, address);
            if (refused.isPresent()) {
                return refused;
            }
        }
        return Optional.empty();
    }

    /** The bytes of an IPv4 or IPv6 literal (without brackets), or null for anything else (a name). */
    static byte[] literal(String host) {
        String bare = host.replaceAll("^\\[|\\]$", "");
        boolean v4 = bare.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        if (!v4 && !(bare.contains(":") && bare.matches("[0-9a-fA-F:.]+"))) {
            return null;
        }
        try {
            return unmapped(InetAddress.getByName(bare)); // a literal: nothing is looked up
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** The address's bytes; an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) as its IPv4 address. */
    static byte[] unmapped(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address && isMapped(bytes)) {
            byte[] v4 = new byte[4];
            System.arraycopy(bytes, 12, v4, 0, 4);
            return v4;
        }
        return bytes;
    }

    private static boolean isMapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return (bytes[10] & 0xff) == 0xff && (bytes[11] & 0xff) == 0xff;
    }

    private static String ip(byte[] bytes) {
        try {
            InetAddress address = InetAddress.getByAddress(bytes);
            return address instanceof Inet4Address
                    ? address.getHostAddress()
                    : address.getHostAddress().replaceAll("(^|:)0(:0)+(:|$)", "::");
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
