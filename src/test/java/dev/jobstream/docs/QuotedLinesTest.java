package dev.jobstream.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * What the docs quote is real.
 *
 * <p>
 * <b>Lines.</b> A quoted line is a code span of three words or more that follows one of the words logs, logged,
 * logger, prints, stderr, says, e.g., comment or look for, within 80 characters and in the same clause (no {@code ;}
 * or {@code .} between); and each message in double quotes of the table of "Control" (docs/http-api.md). The
 * service's Java and the clients' (src/main/java, clients/) must be able to build it: the string literals of one
 * statement, in order, with any value where the code puts one ({@code "Cannot " + verb + ": run is "}, a {@code %s}
 * of a format). In the quote {@code …} and a {@code <placeholder>} stand for any text. The quote may be part of a
 * longer message: it starts where the message starts or inside one of its literals. At least a third of the quote's
 * own characters must be the literals' (the rest are the values it shows), and a value stands for four words at most,
 * so a quote is never found in values alone.
 *
 * <p>
 * <b>Commands and paths.</b> Every {@code bench/….sh} and {@code k8s/…} path the docs name exists, and of each
 * {@code ./mvnw} (or {@code mvn}) command the wrapper, the {@code -f} file, the {@code -P} profile and the
 * {@code -Dtest}/{@code -Dit.test} class and method; every test class a code span names exists (or is one the docs
 * show whole, as "Add a job" does).
 */
class QuotedLinesTest {

    private static final Pattern TRIGGER = Pattern
            .compile("(?i)\\b(logs|logged|logger|prints|stderr|says|e\\.g\\.|comment|look for)(?![\\w])");
    private static final Pattern SPAN = Pattern.compile("(`+)(.+?)\\1", Pattern.DOTALL);
    private static final char VALUE = '\uE000';
    private static final char GAP = '\uE001';
    /** The most words a value of a message stands for in a quote ("Not Found", "Unknown job 'x'", a file's place). */
    private static final int VALUE_WORDS = 4;
    private static final List<Sources.File> TESTS = Stream
            .concat(Sources.of(Path.of("src", "test", "java")).stream(), Sources.of(Path.of("clients")).stream())
            .toList();

    @Test
    void everyLineTheDocsQuoteIsOneTheCodeWrites() {
        List<String> templates = templates();
        Map<String, String> unknown = new TreeMap<>();
        for (Path file : docs()) {
            for (String quote : quotedLines(Markdown.read(file))) {
                if (!found(quote, templates)) {
                    unknown.put(quote, file.toString());
                }
            }
        }
        assertEquals(Map.of(), unknown, "lines the docs quote that no code writes");
    }

    @Test
    void theQuotesAreFoundAndAWrongOneIsNot() {
        List<String> found = quotedLines(Markdown.read(Path.of("docs", "security.md")));
        assertTrue(found.contains("operator requested pause of run … (job demo.sleep, workspace …, now running)"),
                found.toString());
        assertTrue(quotedLines(Markdown.read(Path.of("docs", "http-api.md")))
                .contains("Cannot pause: run is already <state>"));
        List<String> templates = templates();
        assertTrue(found("operator requested pause of run … (job demo.sleep, workspace …, now running)", templates));
        assertTrue(found(": token revoked, stream closed", templates));
        assertFalse(found("generated admin token for this process", templates));
        assertFalse(found("operator asked to pause run … (job demo.sleep)", templates));
        assertFalse(found("operator asked for a pause of run … (job demo.sleep, workspace …, now running)", templates));
        assertFalse(found("Cannot pause: the run is finished", templates));
    }

    @Test
    void everyCommandAndPathTheDocsNameExists() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        Set<String> shownClasses = shownClasses();
        List<String> missing = new ArrayList<>();
        for (Path file : docs()) {
            String text = Markdown.read(file);
            for (String path : all(text, "\\b(bench/[\\w.-]+\\.sh|k8s/[\\w./-]*[\\w/])")) {
                if (!Files.exists(Path.of(path))) {
                    missing.add(file + ": " + path);
                }
            }
            for (String command : all(text, "(?:\\./mvnw|\\bmvn)\\b[^`\\n]*")) {
                if (command.startsWith("./mvnw") && !Files.isExecutable(Path.of("mvnw"))) {
                    missing.add(file + ": ./mvnw");
                }
                for (String pomFile : all(command, "(?<= -f )\\S+")) {
                    if (!Files.exists(Path.of(pomFile))) {
                        missing.add(file + ": " + command + ": " + pomFile);
                    }
                }
                for (String profile : all(command, "(?<= -P)\\w+")) {
                    if (!pom.contains("<id>" + profile + "</id>")) {
                        missing.add(file + ": " + command + ": profile " + profile);
                    }
                }
                for (String test : all(command, "(?<=-D(?:it\\.)?test=)'?[\\w#]+")) {
                    String name = test.replace("'", "");
                    if (!name.equalsIgnoreCase("none") && !testExists(name, shownClasses)) {
                        missing.add(file + ": " + command + ": test " + name);
                    }
                }
            }
            for (String span : Markdown.codeSpans(text)) {
                if (span.matches("[A-Z]\\w*(Test|IT|Properties)") && !testExists(span, shownClasses)) {
                    missing.add(file + ": test " + span);
                }
            }
        }
        assertEquals(List.of(), missing, "what the docs name that does not exist");
    }

    /** README.md and docs/*.md (bench/RESULTS.md quotes what its runs printed, and outputs that a run makes). */
    private static List<Path> docs() {
        return Markdown.files().stream().filter(file -> !file.startsWith("bench")).toList();
    }

    /** The lines a text quotes (see the class's comment), in order, each once. */
    static List<String> quotedLines(String text) {
        String outside = Markdown.outsideCodeBlocks(text);
        List<int[]> spans = new ArrayList<>();
        StringBuilder masked = new StringBuilder(outside);
        Matcher span = SPAN.matcher(outside);
        while (span.find()) {
            spans.add(new int[]{span.start(), span.end(), span.start(2), span.end(2)});
            for (int i = span.start(); i < span.end(); i++) {
                masked.setCharAt(i, ' ');
            }
        }
        Set<String> quotes = new LinkedHashSet<>();
        Matcher trigger = TRIGGER.matcher(masked);
        while (trigger.find()) {
            for (int[] found : spans) {
                String before = masked.substring(trigger.end(), Math.max(trigger.end(), found[0]));
                String quote = outside.substring(found[2], found[3]).replace('\n', ' ');
                if (found[0] >= trigger.end() && found[0] - trigger.end() <= 80 && !before.matches("(?s).*[;.].*")
                        && quote.split(" +").length >= 3) {
                    quotes.add(quote);
                }
            }
        }
        if (outside.contains("\n## Control\n")) {
            String control = Markdown.section(outside, "## Control");
            for (String row : control.split("\n")) {
                if (row.startsWith("| ") && !row.startsWith("| request")) {
                    Matcher message = Pattern.compile("\"([^\"]+)\"").matcher(row.split("\\|")[3]);
                    while (message.find()) {
                        quotes.add(message.group(1));
                    }
                }
            }
        }
        return List.copyOf(quotes);
    }

    /** Whether the code builds the quote: see the class's comment. */
    static boolean found(String quote, List<String> templates) {
        String pattern = quote.replace('…', GAP).replaceAll("<[\\w ]+>", String.valueOf(GAP));
        int own = (int) pattern.chars().filter(c -> c != GAP).count();
        return templates.stream().anyMatch(template -> 3 * literalCharacters(pattern, template) >= own);
    }

    /**
     * The most characters of the quote that stand on characters of the template's literals, over the ways the two fit
     * together (the quote starting where the template does or inside a literal, and ending anywhere; a value standing
     * for at most {@link #VALUE_WORDS} words); -1 when they do not fit.
     */
    static int literalCharacters(String quote, String template) {
        int q = quote.length();
        int t = template.length();
        // best[spaces][i][j]: the quote's first i characters fit the template's first j, the value at j holding spaces
        int[][][] best = new int[VALUE_WORDS][q + 1][t + 1];
        for (int[][] plane : best) {
            for (int[] row : plane) {
                Arrays.fill(row, -1);
            }
        }
        for (int j = 0; j <= t; j++) {
            if (j == 0 || j == t || template.charAt(j) != VALUE) {
                best[0][0][j] = 0; // the quote starts where the message does, or inside one of its literals
            }
        }
        int result = -1;
        for (int i = 0; i <= q; i++) {
            for (int j = 0; j <= t; j++) {
                for (int spaces = 0; spaces < VALUE_WORDS; spaces++) {
                    int here = best[spaces][i][j];
                    if (here < 0) {
                        continue;
                    }
                    if (i == q) {
                        result = Math.max(result, here); // and may end anywhere
                        continue;
                    }
                    char quoted = quote.charAt(i);
                    if (quoted == GAP) {
                        keep(best, spaces, i + 1, j, here); // the gap stands for nothing more
                        if (j < t) {
                            keep(best, 0, i, j + 1, here); // the gap stands for the template's next
                        }
                    } else if (j < t && template.charAt(j) == VALUE) {
                        int held = spaces + (quoted == ' ' ? 1 : 0);
                        if (held < VALUE_WORDS) {
                            keep(best, held, i + 1, j, here); // the value holds this character of the quote
                        }
                        keep(best, 0, i, j + 1, here); // the value ends
                    } else if (j < t && template.charAt(j) == quoted) {
                        keep(best, 0, i + 1, j + 1, here + 1);
                    }
                }
            }
        }
        return result;
    }

    private static void keep(int[][][] best, int spaces, int i, int j, int value) {
        best[spaces][i][j] = Math.max(best[spaces][i][j], value);
    }

    /**
     * Every message the Java of the service and the clients can build: per statement, its literals in order, a
     * {@link #VALUE} where code stands between two of them, at both ends, and for each {@code %s}-like placeholder
     * (values side by side make one).
     */
    static List<String> templates() {
        List<String> templates = new ArrayList<>();
        List<Sources.File> files = new ArrayList<>(Sources.of(Path.of("src", "main", "java")));
        for (String client : List.of("cli", "java")) {
            files.addAll(Sources.of(Path.of("clients", client, "src", "main", "java")));
        }
        for (Sources.File file : files) {
            for (Sources.Statement statement : file.statements()) {
                StringBuilder template = new StringBuilder().append(VALUE);
                for (int i = 0; i < statement.literals().size(); i++) {
                    if (i > 0 && statement.valueBetween().get(i - 1)) {
                        template.append(VALUE);
                    }
                    template.append(statement.literals().get(i)
                            .replaceAll("%[-#+ 0,(]*\\d*(\\.\\d+)?[sdfxn]", String.valueOf(VALUE)));
                }
                templates.add(template.append(VALUE).toString().replaceAll(VALUE + "+", String.valueOf(VALUE)));
            }
        }
        return templates;
    }

    /** The classes the docs show whole (the test of "Add a job"): a reader's own, which the build compiles. */
    private static Set<String> shownClasses() {
        Set<String> shown = new LinkedHashSet<>();
        for (Path file : docs()) {
            shown.addAll(all(Markdown.read(file), "(?<=\\nclass |\\npublic class )\\w+"));
        }
        return shown;
    }

    /** Whether a test class (and method: {@code Class#method}) is one the docs show or one of the tests. */
    private static boolean testExists(String name, Set<String> shownClasses) {
        String[] parts = name.split("#");
        if (shownClasses.contains(parts[0])) {
            return true;
        }
        return TESTS.stream().filter(file -> file.path().getFileName().toString().equals(parts[0] + ".java"))
                .anyMatch(file -> parts.length == 1 || file.withoutStrings().contains("void " + parts[1] + "("));
    }

    private static List<String> all(String text, String regex) {
        List<String> found = new ArrayList<>();
        Matcher matcher = Pattern.compile(regex).matcher(text);
        while (matcher.find()) {
            found.add(matcher.group());
        }
        return found;
    }
}
