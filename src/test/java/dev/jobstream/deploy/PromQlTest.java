package dev.jobstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.jobstream.deploy.PromQl.LabelMatcher;
import dev.jobstream.deploy.PromQl.Selector;

/** What {@link PromQl} reads out of an expression: the series, never a function, keyword, label list or variable. */
class PromQlTest {

    @Test
    void selectorsAreTheMetricsWithTheirMatchersAndNothingElse() {
        String expr = """
                sum by (namespace, exported_job) (rate(a_total{status="failed", pod=~"x-.*"}[5m]))
                  / on (namespace) group_left sum(rate(a_total[$__rate_interval])) by (namespace) > 0.1
                or count without (pod) (b{ action =~ "stale_.*" } unless b offset 10m) * 1e3
                or histogram_quantile(0.95, sum by (le) (rate(c_bucket{ns="$namespace"}[5m:1m]))) and d
                """;

        assertEquals(List.of(
                new Selector("a_total", List.of(new LabelMatcher("status", "=", "failed"),
                        new LabelMatcher("pod", "=~", "x-.*"))),
                new Selector("a_total", List.of()),
                new Selector("b", List.of(new LabelMatcher("action", "=~", "stale_.*"))),
                new Selector("b", List.of()),
                new Selector("c_bucket", List.of(new LabelMatcher("ns", "=", "$namespace"))),
                new Selector("d", List.of())), PromQl.selectors(expr));
    }

    @Test
    void aSelectorItCannotReadIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> PromQl.selectors("a{status=failed}"));
        assertThrows(IllegalArgumentException.class, () -> PromQl.selectors("{__name__=\"a\"}"));
        assertThrows(IllegalArgumentException.class, () -> PromQl.selectors("rate(a{status=\"failed\"[5m])"));
    }
}
