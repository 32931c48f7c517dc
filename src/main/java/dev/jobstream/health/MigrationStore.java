package dev.jobstream.health;

import java.util.Arrays;
import java.util.Comparator;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;

import dev.jobstream.config.StartupOrder;
import dev.jobstream.pg.Schema;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Applies the migrations at startup, once the configuration was checked (under Flyway's lock, so that replicas
 * starting together apply each once), and tells whether the database has the newest one this build ships
 * ({@code flyway_schema_history}).
 */
@Singleton
public class MigrationStore {

    static final String APPLIED = "SELECT EXISTS (SELECT 1 FROM flyway_schema_history WHERE success AND version = $1)";

    private final Pool pool;
    private final Flyway flyway;
    private final Schema schema;
    private volatile String latest;

    MigrationStore(Pool pool, Flyway flyway, Schema schema) {
        this.pool = pool;
        this.flyway = flyway;
        this.schema = schema;
    }

    void migrate(@Observes @Priority(StartupOrder.SCHEMA) StartupEvent event) {
        flyway.migrate();
        latest = Arrays.stream(flyway.info().all())
                .map(MigrationInfo::getVersion)
                .max(Comparator.naturalOrder())
                .map(Object::toString)
                .orElse(null);
        schema.ready();
    }

    /** True once the newest migration of this build is applied in the database. */
    public Uni<Boolean> applied() {
        return pool.preparedQuery(APPLIED).execute(Tuple.of(latest)).map(rows -> rows.iterator().next().getBoolean(0));
    }

    /** The version of the newest migration; null before startup. */
    public String latest() {
        return latest;
    }
}
