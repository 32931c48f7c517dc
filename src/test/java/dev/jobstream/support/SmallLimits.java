package dev.jobstream.support;

import java.util.HashMap;
import java.util.Map;

import dev.jobstream.auth.Security;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Small limits (3,000 events per run, keepalives every 200 ms, 4 KiB of writes queued per stream) with the security
 * tests' tokens, for the tests of streams and workers under those limits.
 */
public class SmallLimits implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> overrides = new HashMap<>(new Security.Profile().getConfigOverrides());
        overrides.putAll(Map.of("jobstream.events.max-per-run", "3000", "jobstream.streams.keepalive", "200ms",
                "jobstream.streams.write-queue-bytes", "4096"));
        return overrides;
    }
}
