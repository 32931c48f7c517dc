package dev.jobstream.support;

import org.junit.jupiter.api.BeforeEach;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

/**
 * Base of tests against the service and its embedded PostgreSQL: every test starts with empty tables. A subclass
 * {@code XxxIT} of {@code XxxTest} annotated {@code @QuarkusIntegrationTest} runs the same tests against the
 * packaged application.
 */
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = AdminTokenResource.class, scope = TestResourceScope.GLOBAL)
public abstract class DatabaseTest {

    protected Database db;

    @BeforeEach
    void emptyTables() {
        db = Database.shared();
        db.truncate();
    }
}
