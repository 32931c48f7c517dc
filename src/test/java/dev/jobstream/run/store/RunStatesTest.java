package dev.jobstream.run.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.jobstream.docs.Markdown;
import dev.jobstream.run.Run;
import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The run state machine is one table, in docs/design.md ("Run states") and in {@link RunSql}: every statement there is
 * documented there, and the schema refuses a status change that is no transition.
 */
@QuarkusTest
class RunStatesTest extends DatabaseTest {

    @Test
    void everyStatementOnRunsIsInTheDocumentedTableAndNoOtherIs() throws IOException {
        String section = Markdown.section(Files.readString(Path.of("docs", "design.md")), "## Run states");
        TreeSet<String> documented = new TreeSet<>();
        Matcher names = Pattern.compile("`([A-Z][A-Z_]+)`").matcher(section);
        while (names.find()) {
            documented.add(names.group(1));
        }
        TreeSet<String> statements = new TreeSet<>();
        for (Field field : RunSql.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class
                    && !Modifier.isPrivate(field.getModifiers())) {
                statements.add(field.getName());
            }
        }
        assertEquals(statements, documented, "RunSql's statements and the table of docs/design.md");
    }

    @Test
    void theSchemaRefusesAStatusChangeThatIsNoTransition() {
        String id = db.insertCompletedRun(UUID.randomUUID());
        RuntimeException refused = assertThrows(RuntimeException.class,
                () -> db.execute("UPDATE job_runs SET status = 'running', finished_at = NULL, owner = 'x'"
                        + " WHERE id = $1::uuid", UUID.fromString(id)));
        assertTrue(refused.getMessage().contains("cannot go from completed to running"), refused.getMessage());
        for (String terminal : Arrays.asList("failed", "cancelled", "queued")) {
            assertThrows(RuntimeException.class, () -> db.execute(
                    "UPDATE job_runs SET status = $2, finished_at = CASE WHEN $2 = 'queued' THEN NULL"
                            + " ELSE finished_at END WHERE id = $1::uuid",
                    UUID.fromString(id), terminal));
        }
    }
}
