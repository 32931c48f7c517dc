package dev.jobstream.deploy;

import static dev.jobstream.support.Api.admin;
import static dev.jobstream.support.Api.awaitStatus;
import static dev.jobstream.support.Api.trigger;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.jobstream.deploy.MonitoringQueries.Query;
import dev.jobstream.deploy.PromQl.LabelMatcher;
import dev.jobstream.deploy.PromQl.Selector;
import dev.jobstream.support.DatabaseTest;
import dev.jobstream.sweep.Sweeper;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every series that the alerts, the dashboard and the queue autoscaler read ({@link MonitoringQueries}) is one that
 * {@code /q/metrics} serves, once runs completed, failed, were retried and went stale: each metric name, each label
 * they match on, and each label value they ask for by equality or by regular expression. Prometheus' own labels of
 * a target (namespace, pod, …) are not the service's to export, and {@code exported_job} is the meters' {@code job}
 * as Prometheus renames it.
 */
@QuarkusTest
class ExportedMetricsTest extends DatabaseTest {

    /** The labels Prometheus sets on every series of a target from the ServiceMonitor. */
    private static final Set<String> TARGET_LABELS = Set.of("namespace", "pod", "service", "endpoint", "instance",
            "container", "job");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? \\S+$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_]\\w*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @Inject
    Sweeper sweeper;

    @Test
    void everySeriesTheAlertsTheDashboardAndTheAutoscalerReadIsExported() throws Exception {
        String workspace = UUID.randomUUID().toString();
        awaitStatus(
                trigger("demo.sleep", Map.of("workspace_id", workspace, "params", Map.of("items", 1, "delay_ms", 10))),
                "completed");
        awaitStatus(trigger("test.flaky", Map.of("params", Map.of("mode", "permanent"))), "failed");
        awaitStatus(trigger("test.flaky", Map.of("params", Map.of("fail_times", 1))), "completed");
        db.execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, exclusive, status, owner, started_at, heartbeat_at)
                VALUES ($1, 'test.gone', $2, true, 'running', 'dead', now(), now() - interval '1 minute')
                """, UUID.randomUUID(), UUID.randomUUID());
        // as a sweep would, once the database has been reachable for stale-after (30 s)
        sweeper.runOnce(Instant.now().plusSeconds(31)).await().indefinitely();
        Map<String, List<Map<String, String>>> exported = series(
                admin().get("/q/metrics").then().statusCode(200).extract().asString());

        // the check must be able to fail: a misspelt metric, label or value is found
        assertFalse(problems(List.of(new Query("typo", "rate(jobstream_runs_finishd_total[5m])")), exported).isEmpty());
        assertFalse(problems(List.of(new Query("typo", "jobstream_runs_queued{stauts=\"x\"}")), exported).isEmpty());
        assertFalse(problems(List.of(new Query("typo", "jobstream_runs_finished_total{status=\"fail\"}")), exported)
                .isEmpty());
        assertFalse(problems(List.of(new Query("typo", "jobstream_sweeper_actions_total{action=~\"stall_.*\"}")),
                exported).isEmpty());

        List<Query> queries = MonitoringQueries.all();
        assertTrue(queries.size() >= 10, "too few queries found: " + queries);
        assertEquals(List.of(), problems(queries, exported), "series the kit reads that the service does not export");
    }

    /** What the queries ask for that the scrape does not hold, one line each. */
    private static List<String> problems(List<Query> queries, Map<String, List<Map<String, String>>> exported) {
        List<String> problems = new ArrayList<>();
        for (Query query : queries) {
            List<Selector> selectors = PromQl.selectors(query.expr());
            if (selectors.isEmpty()) {
                problems.add(query.where() + ": reads no series");
            }
            for (Selector selector : selectors) {
                List<Map<String, String>> series = exported.get(selector.metric());
                if (series == null) {
                    problems.add(query.where() + ": " + selector.metric() + " is not exported");
                    continue;
                }
                for (LabelMatcher matcher : selector.matchers()) {
                    String problem = problem(selector.metric(), matcher, series);
                    if (problem != null && !TARGET_LABELS.contains(matcher.label())) {
                        problems.add(query.where() + ": " + problem);
                    }
                }
            }
        }
        return problems;
    }

    private static String problem(String metric, LabelMatcher matcher, List<Map<String, String>> series) {
        String label = matcher.label().equals("exported_job") ? "job" : matcher.label();
        if (series.stream().noneMatch(labels -> labels.containsKey(label))) {
            return metric + " has no label " + label;
        }
        if (matcher.value().contains("$") || matcher.op().startsWith("!")) {
            return null;
        }
        boolean matches = series.stream().map(labels -> labels.get(label)).anyMatch(value -> value != null
                && (matcher.op().equals("=") ? value.equals(matcher.value()) : value.matches(matcher.value())));
        return matches ? null : metric + " has no series with " + label + matcher.op() + "\"" + matcher.value() + "\"";
    }

    /** The series of a Prometheus text scrape: each metric name with the labels of each of its samples. */
    private static Map<String, List<Map<String, String>>> series(String scrape) {
        Map<String, List<Map<String, String>>> series = new HashMap<>();
        for (String line : scrape.split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (line.startsWith("#") || !sample.matches()) {
                continue;
            }
            Map<String, String> labels = new HashMap<>();
            Matcher label = LABEL.matcher(sample.group(2) == null ? "" : sample.group(2));
            while (label.find()) {
                labels.put(label.group(1), label.group(2));
            }
            series.computeIfAbsent(sample.group(1), name -> new ArrayList<>()).add(labels);
        }
        return series;
    }
}
