package dev.jobstream.support;

import java.lang.reflect.Proxy;
import java.time.Duration;

import org.flywaydb.core.Flyway;

import dev.jobstream.config.EmbeddedDatabase;
import dev.jobstream.config.JobstreamConfig;
import dev.jobstream.run.store.RunStore;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;

/**
 * A database of a property test's own on the embedded PostgreSQL, migrated as the service migrates its database (so
 * that no replica's sweeps or dispatchers see its runs), with a pool and the store on it.
 */
public final class PropertyDatabase {

    public static final Duration WAIT = Duration.ofSeconds(10);

    public final Pool pool;
    public final RunStore store;

    private PropertyDatabase(Pool pool, RunStore store) {
        this.pool = pool;
        this.store = store;
    }

    /** Creates {@code name} anew, migrates it, and opens a pool of {@code connections} on it. */
    public static PropertyDatabase create(String name, int connections) {
        int port = EmbeddedDatabase.start().port();
        PgConnectOptions server = new PgConnectOptions().setHost("localhost").setPort(port).setDatabase("postgres")
                .setUser("postgres").setPassword("postgres");
        Vertx vertx = Vertx.vertx();
        Pool admin = PgBuilder.pool().connectingTo(server).using(vertx).build();
        admin.query("DROP DATABASE IF EXISTS " + name).execute().await().atMost(WAIT);
        admin.query("CREATE DATABASE " + name).execute().await().atMost(WAIT);
        admin.close().await().atMost(WAIT);
        Flyway.configure().dataSource("jdbc:postgresql://localhost:" + port + "/" + name, "postgres", "postgres")
                .locations("classpath:db/migration").load().migrate();
        Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(connections))
                .connectingTo(new PgConnectOptions(server).setDatabase(name)).using(vertx).build();
        JobstreamConfig config = (JobstreamConfig) Proxy.newProxyInstance(JobstreamConfig.class.getClassLoader(),
                new Class<?>[]{JobstreamConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("staleAfter")) {
                        return Duration.ofMinutes(1);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return new PropertyDatabase(pool, new RunStore(pool, config));
    }

    public void execute(String sql, Object... args) {
        pool.preparedQuery(sql).execute(Tuple.from(args)).await().atMost(WAIT);
    }
}
