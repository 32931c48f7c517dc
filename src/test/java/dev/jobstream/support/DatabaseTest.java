package dev.jobstream.support;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/** Base of tests against the service and its embedded PostgreSQL: every test starts with empty tables. */
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
public abstract class DatabaseTest {

    @Inject
    protected Database db;

    @BeforeEach
    void emptyTables() {
        db.truncate();
    }
}
