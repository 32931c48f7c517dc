package dev.jobstream.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.jobstream.config.EmbeddedDatabase;
import dev.jobstream.support.Api;
import dev.jobstream.support.Replica;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The README's quick start, run as it stands against the packaged service (the token and the port are the only
 * things put in): each command answers JSON that has every field its comment line shows, with the values shown.
 */
class QuickStartIT {

    private static final Pattern BLOCK = Pattern.compile("(?s)Try it:\\n\\n```sh\\n(.*?)\\n```");
    private static final Pattern FIELD = Pattern.compile("\"([a-z_]+)\":(\"[^\"…]*\"|\\d+|null|true|false)");

    @Test
    void theQuickStartAnswersAsTheReadmeSays() throws Exception {
        Matcher block = BLOCK.matcher(Files.readString(Path.of("README.md")));
        assertTrue(block.find(), "the README's quick start (\"Try it:\")");
        List<String> commands = new ArrayList<>();
        List<String> shown = new ArrayList<>();
        StringBuilder command = new StringBuilder();
        for (String line : block.group(1).split("\n")) {
            if (line.startsWith("T=")) {
                continue; // the token is put in below
            }
            if (line.startsWith("# ")) {
                shown.add(line.substring(2));
                continue;
            }
            command.append(line.endsWith("\\") ? line.substring(0, line.length() - 1) : line).append(' ');
            if (!line.endsWith("\\")) {
                commands.add(command.toString().trim());
                command.setLength(0);
            }
        }
        assertEquals(3, commands.size(), commands.toString());
        assertEquals(commands.size(), shown.size(), "an answer shown for each command");

        int pgPort = EmbeddedDatabase.start().port();
        try (Replica replica = Replica.start("quick-start", pgPort, Replica.newDatabase(pgPort), Map.of())) {
            String address = replica.url("/").replaceAll("^http://|/$", "");
            for (int i = 0; i < commands.size(); i++) {
                String answer = bash(commands.get(i).replace("localhost:8080", address));
                Object parsed = answer.startsWith("[") ? new JsonArray(answer) : new JsonObject(answer);
                JsonObject first = parsed instanceof JsonArray array
                        ? array.getJsonObject(0)
                        : ((JsonObject) parsed).containsKey("runs")
                                ? ((JsonObject) parsed).getJsonArray("runs").getJsonObject(0)
                                : (JsonObject) parsed;
                Matcher field = FIELD.matcher(shown.get(i));
                while (field.find()) {
                    JsonObject holder = ((JsonObject) (parsed instanceof JsonObject o && o.containsKey(field.group(1))
                            ? parsed
                            : first));
                    assertTrue(holder.containsKey(field.group(1)), field.group(1) + " in " + answer);
                    assertEquals(Json.parse(field.group(2)), holder.getValue(field.group(1)),
                            field.group(1) + " of " + commands.get(i) + ": " + answer);
                }
            }
        }
        // a newcomer's first start says nothing alarming: no WARN, no ERROR in the log
        List<String> alarming = Files.readAllLines(Path.of("target/replica-quick-start.log")).stream()
                .filter(line -> line.matches(".*(\"level\":\"(WARN|ERROR)\"| WARN | ERROR ).*")).toList();
        assertEquals(List.of(), alarming, "warnings or errors of a plain start and the quick start");
    }

    /** Runs a command of the quick start with bash, its {@code $T} the admin token; answers what it printed. */
    private static String bash(String command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true);
        builder.environment().put("T", Api.ADMIN_TOKEN);
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), command);
        assertEquals(0, process.exitValue(), command);
        return new String(output, StandardCharsets.UTF_8).trim();
    }

    /** The JSON value of a field shown in the README: a string, a number, null or a boolean. */
    private static final class Json {
        static Object parse(String value) {
            return value.startsWith("\"")
                    ? value.substring(1, value.length() - 1)
                    : value.equals("null")
                            ? null
                            : value.equals("true") || value.equals("false")
                                    ? Boolean.valueOf(value)
                                    : Integer.valueOf(value);
        }
    }
}
