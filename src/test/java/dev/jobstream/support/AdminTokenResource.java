package dev.jobstream.support;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives the service under test the tests' admin token. The test profile sets it too; this one also reaches the
 * packaged application of {@code @QuarkusIntegrationTest}, which runs with the prod profile.
 */
public class AdminTokenResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("jobstream.admin-token", Api.ADMIN_TOKEN);
    }

    @Override
    public void stop() {
        // nothing to stop
    }
}
