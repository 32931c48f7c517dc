package dev.jobstream.config;

import jakarta.interceptor.Interceptor;

/**
 * The order of the first steps of a start (priorities of {@code StartupEvent} observers; every other observer comes
 * after them): the configuration is checked before anything touches the database, so that a replica refused for a
 * missing credential has changed nothing, and the schema is migrated before anything uses it. A refusal is a
 * {@link io.quarkus.runtime.configuration.ConfigurationException}, whose message Quarkus prints as it is, on a line of
 * its own.
 */
public final class StartupOrder {

    /** Checks of the configuration that may refuse the start: credentials, the tokens file, the jobs file. */
    public static final int CONFIGURATION = Interceptor.Priority.PLATFORM_BEFORE;
    /** The migrations of {@code migrations/}, applied under Flyway's lock. */
    public static final int SCHEMA = CONFIGURATION + 100;

    private StartupOrder() {
    }
}
