package dev.jobstream.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Every relative link of the docs (README.md, docs/*.md, bench/RESULTS.md) leads somewhere: its file exists, seen
 * from the folder of the file that links, and its {@code #anchor} is the anchor of a heading of the Markdown file it
 * names (or of its own file, for {@code #anchor} alone), as GitHub makes anchors. Links with a scheme
 * ({@code https:}) are not followed.
 */
class DocsLinksTest {

    @Test
    void everyRelativeLinkOfTheDocsLeadsToAFileAndAHeading() {
        List<String> problems = new ArrayList<>();
        for (Path file : Markdown.files()) {
            problems.addAll(problems(file, Markdown.read(file)));
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void aLinkToNoFileOrNoHeadingIsFound() {
        String sample = """
                # Sample

                ## Run it, test it

                [here](#run-it-test-it), [there](jobs.md#params), [up](../README.md#run-it-test-it)
                [gone](no-such-page.md), [no heading](#run-it), [nor there](jobs.md#no-such-heading)
                `[not a link](nowhere.md)` and [the web](https://example.com/#x)
                """;
        assertEquals(List.of("docs/sample.md:6: no-such-page.md: no such file",
                "docs/sample.md:6: #run-it: no such heading in docs/sample.md",
                "docs/sample.md:6: jobs.md#no-such-heading: no such heading in docs/jobs.md"),
                problems(Path.of("docs", "sample.md"), sample));
    }

    @Test
    void anchorsAreGitHubs() {
        assertEquals("run-it-test-it", Markdown.anchor("Run it, test it"));
        assertEquals("short-jobs-against-pg-boss-1238", Markdown.anchor("Short jobs against pg-boss 12.38"));
        assertEquals("get-v1stats-at-1000000-runs-benchstatssh",
                Markdown.anchor("GET /v1/stats at 1,000,000 runs (`bench/stats.sh`)"));
        assertEquals(List.of("a", "b", "a-1"), Markdown.anchors("# A\n```sh\n# not a heading\n```\n## B\n## A\n"));
    }

    /** What is wrong with the links of a file's text: "file:line: target: what". */
    static List<String> problems(Path file, String text) {
        List<String> problems = new ArrayList<>();
        Path folder = file.toAbsolutePath().getParent();
        for (Markdown.Link link : Markdown.links(text)) {
            String target = link.target();
            if (target.matches("[a-z][a-z+.-]*:.*")) {
                continue; // https:, mailto:
            }
            int hash = target.indexOf('#');
            String path = hash < 0 ? target : target.substring(0, hash);
            Path linked = path.isEmpty() ? file.toAbsolutePath() : folder.resolve(path).normalize();
            String where = file + ":" + link.line() + ": " + target + ": ";
            if (!path.isEmpty() && !Files.exists(linked)) {
                problems.add(where + "no such file");
                continue;
            }
            if (hash < 0 || !linked.toString().endsWith(".md")) {
                continue;
            }
            String linkedText = path.isEmpty() ? text : Markdown.read(linked);
            if (!Markdown.anchors(linkedText).contains(target.substring(hash + 1))) {
                problems.add(where + "no such heading in " + Path.of("").toAbsolutePath().relativize(linked));
            }
        }
        return problems;
    }
}
