package dev.jobstream.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.jobstream.refusal.Invalid;

/**
 * Where a webhook may send: by default no internal address — whether written as an address, as an IPv4-mapped IPv6
 * address or as a name that resolves to one — and the configuration opens what it names.
 */
class AllowListTest {

    /** Why the URL's host is refused with the allow-list, resolved as a delivery resolves it; empty if allowed. */
    private static Optional<String> refusal(AllowList allowList, String url) throws Exception {
        Target target = Target.parse(url);
        return allowList.refusal(target.host(), List.of(InetAddress.getAllByName(target.host())));
    }

    @Test
    void theDefaultRefusesLoopbackLinkLocalPrivateAndEveryOtherInternalAddress() throws Exception {
        Map<String, String> refused = Map.ofEntries(
                Map.entry("http://127.0.0.1/", "'127.0.0.1' is a loopback address 127.0.0.1"),
                Map.entry("http://localhost:8080/", "'localhost' resolves to a loopback address"),
                Map.entry("http://169.254.169.254/latest", "'169.254.169.254' is a link-local address 169.254.169.254"),
                Map.entry("https://10.20.30.40/", "'10.20.30.40' is a private address 10.20.30.40"),
                Map.entry("https://172.16.0.1/", "is a private address 172.16.0.1"),
                Map.entry("https://192.168.1.1/", "is a private address 192.168.1.1"),
                Map.entry("https://100.64.0.1/", "is a shared (CGNAT) address 100.64.0.1"),
                Map.entry("http://[::1]/", "'::1' is a loopback address ::1"),
                Map.entry("http://[::ffff:127.0.0.1]/", "is a loopback address 127.0.0.1"),
                Map.entry("http://[::ffff:169.254.169.254]/", "is a link-local address 169.254.169.254"),
                Map.entry("http://[fd12:3456::1]/", "is a unique-local address"),
                Map.entry("http://[fe80::1]/", "is a link-local address"),
                Map.entry("http://0.0.0.0/", "is an unspecified address 0.0.0.0"),
                Map.entry("http://224.0.0.1/", "is a multicast address 224.0.0.1"));
        AllowList strict = AllowList.strict();
        refused.forEach((url, why) -> {
            try {
                Optional<String> refusal = refusal(strict, url);
                assertTrue(refusal.isPresent() && refusal.get().contains(why), url + ": " + refusal);
            } catch (Exception e) {
                throw new AssertionError(url, e);
            }
        });
        for (String url : List.of("https://8.8.8.8/hook", "https://[2606:4700::1111]/hook", "http://1.1.1.1:8080/")) {
            assertEquals(Optional.empty(), refusal(strict, url), url);
        }
    }

    @Test
    void theConfigurationAllowsWhatItNamesAndNothingElse() throws Exception {
        AllowList some = new AllowList(false, Optional.of(List.of("10.0.0.0/8", "hooks.internal", "[::1]",
                "192.168.7.7")));
        assertEquals(Optional.empty(), refusal(some, "http://10.200.0.1/"));
        assertEquals(Optional.empty(), refusal(some, "http://[::1]:9000/"));
        assertEquals(Optional.empty(), refusal(some, "http://192.168.7.7/"));
        assertTrue(refusal(some, "http://192.168.7.8/").isPresent());
        assertTrue(refusal(some, "http://127.0.0.1/").isPresent());
        assertTrue(some.allowsByName("HOOKS.internal"));
        assertEquals(Optional.empty(), some.refusal("hooks.internal", InetAddress.getByName("10.9.9.9")));

        AllowList open = new AllowList(true, Optional.empty());
        assertEquals(Optional.empty(), refusal(open, "http://127.0.0.1/"));
        assertEquals(Optional.empty(), refusal(open, "http://169.254.169.254/"));
        assertThrows(IllegalArgumentException.class, () -> new AllowList(false, Optional.of(List.of("10.0.0.0/33"))));
        assertThrows(IllegalArgumentException.class, () -> new AllowList(false, Optional.of(List.of("a b"))));
    }

    @Test
    void aUrlMustBeAbsoluteHttpWithAHostAndNoUserInfo() {
        for (String url : List.of("ftp://example.com/", "/relative", "https://user:pw@example.com/",
                "https://user@example.com/", "http:///nohost", "https://example.com/#fragment",
                "https://example.com/" + "a".repeat(2000), "not a url", "")) {
            assertThrows(Invalid.class, () -> Target.parse(url), url);
        }
        Target target = Target.parse("https://Hooks.Example.com/in?x=1");
        assertEquals("hooks.example.com", target.host());
        assertEquals(443, target.port());
        assertEquals("/in?x=1", target.pathAndQuery());
    }
}
