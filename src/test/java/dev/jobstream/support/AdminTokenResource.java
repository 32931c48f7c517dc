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
        // the packaged application under test gets Quarkus's in-memory JWT key and issuer from the test launcher; a
        // JWT key in production needs an audience too
        return Map.of("jobstream.admin-token", Api.ADMIN_TOKEN, "jobstream.demo-jobs", "true",
                "mp.jwt.verify.audiences", "jobstream-test");
    }

    @Override
    public void stop() {
        // nothing to stop
    }
}
