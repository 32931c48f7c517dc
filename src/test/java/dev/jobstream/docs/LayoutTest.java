package dev.jobstream.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * "Layout" (docs/design.md) lists every package of src/main/java/dev/jobstream, and no other, and the classes it names
 * there (capitalised words with a lower-case letter: {@code RunStore}, {@code Lease}) are classes of src/main/java.
 */
class LayoutTest {

    /** Capitalised words of the Layout that are no class. */
    private static final Set<String> WORDS = Set.of("PostgreSQL", "Schema");

    @Test
    void theLayoutListsEveryPackageAndNoOther() throws IOException {
        String packages = packages();
        Set<String> listed = new TreeSet<>();
        Matcher entry = Pattern.compile("\\n  ([a-z]+)/").matcher(packages);
        while (entry.find()) {
            listed.add(entry.group(1));
        }
        Set<String> present = new TreeSet<>();
        try (Stream<Path> folders = Files.list(Path.of("src", "main", "java", "dev", "jobstream"))) {
            folders.filter(Files::isDirectory).forEach(folder -> present.add(folder.getFileName().toString()));
        }
        assertEquals(present, listed, "the packages of src/main/java/dev/jobstream and those \"Layout\" lists");
    }

    @Test
    void theClassesTheLayoutNamesExist() throws IOException {
        String packages = packages();
        Set<String> classes = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
            files.forEach(file -> classes.add(file.getFileName().toString().replace(".java", "")));
        }
        Set<String> missing = new TreeSet<>();
        Matcher name = Pattern.compile("\\b[A-Z][a-z][A-Za-z0-9]*\\b").matcher(packages);
        while (name.find()) {
            if (!classes.contains(name.group()) && !WORDS.contains(name.group())) {
                missing.add(name.group());
            }
        }
        assertEquals(Set.of(), missing, "classes \"Layout\" names that src/main/java does not have");
    }

    /** The lines of "Layout" from {@code src/main/java/dev/jobstream/} to the next folder of the repository. */
    private static String packages() {
        String layout = Markdown.section(Markdown.read(Path.of("docs", "design.md")), "## Layout");
        int start = layout.indexOf("src/main/java/dev/jobstream/\n");
        return layout.substring(start, layout.indexOf("\nsrc/main/resources/", start));
    }
}
