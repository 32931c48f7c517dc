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

/** "Layout" (docs/design.md) lists every package of src/main/java/dev/jobstream, and no other. */
class LayoutTest {

    @Test
    void theLayoutListsEveryPackageAndNoOther() throws IOException {
        String layout = Markdown.section(Markdown.read(Path.of("docs", "design.md")), "## Layout");
        String packages = layout.substring(layout.indexOf("src/main/java/dev/jobstream/\n"));
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
}
