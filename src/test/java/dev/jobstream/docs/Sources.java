package dev.jobstream.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Java sources as the tests of the docs read them: per statement, the string literals it holds (text blocks too,
 * escapes undone), and the text with every literal blanked out (code and comments). A statement ends at {@code ;},
 * <code>{</code> or <code>}</code> outside literals and comments. Not a parser: enough to find the messages the code
 * builds and the names its comments use.
 */
final class Sources {

    /**
     * A statement's literals in order, and for each but the last whether code (not only {@code +}) stands between it
     * and the next: there the message holds a value.
     */
    record Statement(List<String> literals, List<Boolean> valueBetween) {
    }

    /** A source file: its statements, and its text without string literals. */
    record File(Path path, List<Statement> statements, String withoutStrings) {
    }

    private Sources() {
    }

    /** The Java files below a folder (target/ and node_modules/ left out), read. */
    static List<File> of(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(file -> file.toString().endsWith(".java"))
                    .filter(file -> !file.toString().contains("/target/") && !file.toString().contains("node_modules"))
                    .sorted().map(Sources::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every string literal of the Java files below a folder. */
    static List<String> stringsOf(Path root) {
        return of(root).stream().flatMap(file -> file.statements().stream())
                .flatMap(statement -> statement.literals().stream()).toList();
    }

    static File read(Path path) {
        try {
            return parse(path, Files.readString(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static File parse(Path path, String text) {
        List<Statement> statements = new ArrayList<>();
        List<String> literals = new ArrayList<>();
        List<Boolean> valueBetween = new ArrayList<>();
        StringBuilder between = new StringBuilder();
        StringBuilder without = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (text.startsWith("//", i) || text.startsWith("/*", i)) {
                int end = text.startsWith("//", i) ? text.indexOf('\n', i) : text.indexOf("*/", i) + 2;
                end = end <= i ? text.length() : end;
                without.append(text, i, end);
                i = end;
            } else if (text.startsWith("\"\"\"", i)) {
                int end = text.indexOf("\"\"\"", i + 3);
                literal(literals, valueBetween, between, text.substring(text.indexOf('\n', i) + 1, end).stripIndent());
                without.append("\"\"");
                i = end + 3;
            } else if (c == '"' || c == '\'') {
                int end = i + 1;
                while (text.charAt(end) != c) {
                    end += text.charAt(end) == '\\' ? 2 : 1;
                }
                if (c == '"') {
                    literal(literals, valueBetween, between, unescape(text.substring(i + 1, end)));
                }
                without.append(c).append(c);
                i = end + 1;
            } else {
                if (c == ';' || c == '{' || c == '}') {
                    if (!literals.isEmpty()) {
                        statements.add(new Statement(List.copyOf(literals), List.copyOf(valueBetween)));
                    }
                    literals.clear();
                    valueBetween.clear();
                    between.setLength(0);
                } else {
                    between.append(c);
                }
                without.append(c);
                i++;
            }
        }
        return new File(path, statements, without.toString());
    }

    private static void literal(List<String> literals, List<Boolean> valueBetween, StringBuilder between,
            String literal) {
        if (!literals.isEmpty()) {
            valueBetween.add(!between.toString().replace("+", "").isBlank());
        }
        literals.add(literal);
        between.setLength(0);
    }

    private static String unescape(String literal) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c == '\\' && i + 1 < literal.length()) {
                char escaped = literal.charAt(++i);
                text.append(switch (escaped) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> escaped;
                });
            } else {
                text.append(c);
            }
        }
        return text.toString();
    }
}
