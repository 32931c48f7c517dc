package dev.jobstream.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Markdown of the docs, read as GitHub reads it, as far as the docs' tests need: headings (outside fenced code
 * blocks), their anchors, the section under a heading, the links, and the text outside code.
 */
public final class Markdown {

    private static final Pattern HEADING = Pattern.compile("(#{1,6}) +(.*?) *#*");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1", Pattern.DOTALL);
    private static final Pattern LINK = Pattern.compile("!?\\[([^\\]]*)\\]\\(([^)\\s]+)(?: +\"[^\"]*\")?\\)");

    /** A heading: its level (1 for {@code #}), its text, and where its line starts in the file's text. */
    public record Heading(int level, String text, int start) {
    }

    /** A link: its target as written ({@code docs/jobs.md#params}) and the line it is on. */
    public record Link(String target, int line) {
    }

    private Markdown() {
    }

    /** The docs: README.md, every Markdown file of docs/, and the benchmarks' results. */
    public static List<Path> files() {
        List<Path> files = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(file -> file.toString().endsWith(".md")).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.add(Path.of("bench", "RESULTS.md"));
        return files;
    }

    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The headings of a text, in order; lines in fenced code blocks ({@code ```}, also indented) are none. */
    public static List<Heading> headings(String text) {
        List<Heading> headings = new ArrayList<>();
        boolean fenced = false;
        int start = 0;
        for (String line : text.split("\n", -1)) {
            if (line.strip().startsWith("```")) {
                fenced = !fenced;
            } else if (!fenced) {
                Matcher heading = HEADING.matcher(line);
                if (heading.matches()) {
                    headings.add(new Heading(heading.group(1).length(), heading.group(2), start));
                }
            }
            start += line.length() + 1;
        }
        return headings;
    }

    /**
     * The section a heading opens, such as {@code "## Params"}: from its line to the next heading of its level or a
     * higher one, or to the end.
     */
    public static String section(String text, String heading) {
        List<Heading> headings = headings(text);
        for (int i = 0; i < headings.size(); i++) {
            Heading found = headings.get(i);
            if (("#".repeat(found.level()) + " " + found.text()).equals(heading)) {
                int end = text.length();
                for (Heading next : headings.subList(i + 1, headings.size())) {
                    if (next.level() <= found.level()) {
                        end = next.start();
                        break;
                    }
                }
                return text.substring(found.start(), end);
            }
        }
        throw new AssertionError("no heading \"" + heading + "\"");
    }

    /**
     * The anchor GitHub gives a heading: its text as shown (code spans without their backticks), lower-case,
     * without what is not a letter, a digit, a space, {@code -} or {@code _}, spaces made {@code -}.
     */
    public static String anchor(String heading) {
        String shown = CODE_SPAN.matcher(heading).replaceAll("$2")
                .replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
        return shown.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{M}\\p{Nd}\\p{Pc} -]", "").replace(' ', '-');
    }

    /** The anchors of a text's headings; a repeated one gets {@code -1}, {@code -2}… as on GitHub. */
    public static List<String> anchors(String text) {
        Map<String, Integer> seen = new HashMap<>();
        List<String> anchors = new ArrayList<>();
        for (Heading heading : headings(text)) {
            String anchor = anchor(heading.text());
            int times = seen.merge(anchor, 1, Integer::sum);
            anchors.add(times == 1 ? anchor : anchor + "-" + (times - 1));
        }
        return anchors;
    }

    /** The links and images of a text, outside code blocks and code spans. */
    public static List<Link> links(String text) {
        List<Link> links = new ArrayList<>();
        String[] lines = prose(text).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher link = LINK.matcher(lines[i]);
            while (link.find()) {
                links.add(new Link(link.group(2), i + 1));
            }
        }
        return links;
    }

    /** The text with fenced code blocks and code spans blanked out (lines kept, so line numbers hold). */
    public static String prose(String text) {
        return CODE_SPAN.matcher(outsideCodeBlocks(text))
                .replaceAll(span -> "``" + "\n".repeat((int) span.group().chars().filter(c -> c == '\n').count()));
    }

    /** The code spans of a text outside its code blocks, a span over two lines joined with a space. */
    public static List<String> codeSpans(String text) {
        List<String> spans = new ArrayList<>();
        Matcher span = CODE_SPAN.matcher(outsideCodeBlocks(text));
        while (span.find()) {
            spans.add(span.group(2).replace('\n', ' '));
        }
        return spans;
    }

    /** The text outside fenced code blocks (blanked out, lines kept); code spans stay. */
    public static String outsideCodeBlocks(String text) {
        StringBuilder outside = new StringBuilder();
        boolean fenced = false;
        for (String line : text.split("\n", -1)) {
            boolean fence = line.strip().startsWith("```");
            if (fence) {
                fenced = !fenced;
            }
            outside.append(fence || fenced ? "" : line).append('\n');
        }
        return outside.substring(0, outside.length() - 1);
    }
}
