package dev.jobstream.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import io.quarkus.scheduler.Scheduled;

/**
 * Scheduled ticks wait for the schema: every {@code @Scheduled} method of the service skips its runs until the
 * migrations are applied, so that a tick during start-up reads no table that does not exist yet (and logs no failure).
 */
class SchemaTest {

    @Test
    void aScheduledRunIsSkippedUntilTheMigrationsAreApplied() {
        Schema schema = new Schema();
        assertTrue(schema.test(null), "skipped before the migrations");
        schema.ready();
        assertFalse(schema.test(null), "run once they are applied");
    }

    @Test
    void everyScheduledMethodWaitsForTheSchema() throws Exception {
        List<String> scheduled = new ArrayList<>();
        for (var javaClass : new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.jobstream")) {
            for (Method method : Class.forName(javaClass.getName()).getDeclaredMethods()) {
                Scheduled annotation = method.getAnnotation(Scheduled.class);
                if (annotation != null) {
                    scheduled.add(javaClass.getSimpleName() + "." + method.getName());
                    assertEquals(Schema.class, annotation.skipExecutionIf(), javaClass.getName() + "." + method);
                }
            }
        }
        assertFalse(scheduled.isEmpty(), "the service schedules work");
    }
}
