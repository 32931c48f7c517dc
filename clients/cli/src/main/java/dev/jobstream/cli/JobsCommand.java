package dev.jobstream.cli;

import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import dev.jobstream.client.Job;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code jobstream jobs list}: the jobs, with their params and their defaults. */
@Command(name = "jobs", mixinStandardHelpOptions = true, description = "Lists the jobs.")
final class JobsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing a command: list");
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the jobs: name, executor, exclusive, params (with their defaults), description.")
    int list() throws Exception {
        Table table = new Table("NAME", "EXECUTOR", "EXCLUSIVE", "PARAMS", "DESCRIPTION");
        for (Job job : JobstreamCli.of(spec).client().jobs()) {
            table.row(job.name(), job.executor(), job.exclusive() ? "yes" : "no", params(job),
                    job.description());
        }
        table.print(spec.commandLine().getOut());
        return Exit.COMPLETED;
    }

    /** {@code items=5 delay_ms=200 fail_at}: each param, with its default if it has one. */
    private static String params(Job job) {
        StringJoiner params = new StringJoiner(" ").setEmptyValue("-");
        for (Map.Entry<String, JsonNode> param : job.paramsSchema().path("properties").properties()) {
            String name = param.getKey();
            JsonNode defaultValue = job.paramsDefaults() == null ? null : job.paramsDefaults().get(name);
            params.add(defaultValue == null || defaultValue.isNull() ? name : name + "=" + defaultValue.asText());
        }
        return params.toString();
    }
}
