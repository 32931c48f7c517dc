package dev.jobstream.support;

import java.util.Map;

import dev.jobstream.config.EmbeddedDatabase;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Starts one embedded PostgreSQL on a free port for the whole test run and points the service at it. */
public class EmbeddedPostgresResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return EmbeddedDatabase.start().datasourceSettings();
    }

    @Override
    public void stop() {
        // stopped by a shutdown hook when the test JVM exits, so that every test class shares it
    }
}
