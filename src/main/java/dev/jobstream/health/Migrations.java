package dev.jobstream.health;

import java.util.Arrays;
import java.util.Comparator;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;

import io.quarkus.runtime.StartupEvent;

/** The newest migration this build ships, which readiness expects to find applied in the database. */
@Singleton
public class Migrations {

    private final Flyway flyway;
    private volatile String latest;

    Migrations(Flyway flyway) {
        this.flyway = flyway;
    }

    void start(@Observes StartupEvent event) {
        latest = Arrays.stream(flyway.info().all())
                .map(MigrationInfo::getVersion)
                .max(Comparator.naturalOrder())
                .map(Object::toString)
                .orElse(null);
    }

    /** The version of the newest migration; null before startup. */
    public String latest() {
        return latest;
    }
}
