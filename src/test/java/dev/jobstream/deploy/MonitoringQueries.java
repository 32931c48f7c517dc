package dev.jobstream.deploy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The PromQL of the operations kit, read from the files as they are applied: the alerts of
 * {@code k8s/monitoring/prometheusrule.yaml}, the panels and variables of {@code k8s/monitoring/dashboard.json} and
 * the Prometheus trigger of {@code k8s/overlays/queue-autoscaling/scaledobject.yaml}.
 */
final class MonitoringQueries {

    private static final Path RULES = Path.of("k8s", "monitoring", "prometheusrule.yaml");
    private static final Path DASHBOARD = Path.of("k8s", "monitoring", "dashboard.json");
    private static final Path SCALED_OBJECT = Path.of("k8s", "overlays", "queue-autoscaling", "scaledobject.yaml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Grafana's variable query of a label's values: its metric is the series it reads. */
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*(.+?)\\s*,\\s*\\w+\\s*\\)");

    /** One query and where it is. */
    record Query(String where, String expr) {
    }

    private MonitoringQueries() {
    }

    static List<Query> all() throws IOException {
        List<Query> queries = new ArrayList<>();
        for (JsonNode group : YAML.readTree(RULES.toFile()).path("spec").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.has("alert") ? rule.path("alert").asText() : rule.path("record").asText();
                queries.add(new Query(RULES + " " + name, rule.path("expr").asText()));
            }
        }
        JsonNode dashboard = YAML.readTree(DASHBOARD.toFile());
        panels(dashboard.path("panels"), queries);
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if ("query".equals(variable.path("type").asText())) {
                JsonNode query = variable.path("query");
                String text = query.isTextual() ? query.asText() : query.path("query").asText();
                Matcher labelValues = LABEL_VALUES.matcher(text);
                queries.add(new Query(DASHBOARD + " variable " + variable.path("name").asText(),
                        labelValues.matches() ? labelValues.group(1) : text));
            }
        }
        for (JsonNode trigger : YAML.readTree(SCALED_OBJECT.toFile()).path("spec").path("triggers")) {
            if ("prometheus".equals(trigger.path("type").asText())) {
                queries.add(new Query(SCALED_OBJECT + " trigger", trigger.path("metadata").path("query").asText()));
            }
        }
        return queries;
    }

    private static void panels(JsonNode panels, List<Query> queries) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(new Query(DASHBOARD + " panel \"" + panel.path("title").asText() + "\"",
                        target.path("expr").asText()));
            }
            // a row holds its panels when collapsed
            panels(panel.path("panels"), queries);
        }
    }
}
