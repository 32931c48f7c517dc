package dev.jobstream.cli;

import java.io.PrintWriter;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;

import dev.jobstream.client.RunEvent;

/**
 * Prints a run's events as they come: a log line as its text (its level first unless {@code info}), a change of state
 * or the run's end as a line of its own, and progress as a bar redrawn on one line when stdout is a terminal, else as
 * a line {@code progress <processed>/<total>}.
 */
final class EventPrinter implements Consumer<RunEvent> {

    private static final int BAR_WIDTH = 30;

    private final PrintWriter out;
    private final boolean terminal;
    /** The progress bar on the terminal's current line; null when the line is empty. */
    private String bar;

    EventPrinter(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void accept(RunEvent event) {
        JsonNode data = event.data();
        switch (event.event()) {
            case "log" -> line(log(data));
            case "progress_json" -> progress(data);
            case "start_json" -> line("run started (attempt " + data.path("attempt").asInt() + " of "
                    + data.path("max_attempts").asInt() + ")");
            case "state_json" -> line(state(data));
            case "end_json" -> {
                finish(); // the last bar stays above the end
                line(end(data));
            }
            default -> line(event.event() + " " + data);
        }
        out.flush();
    }

    private static String log(JsonNode data) {
        String level = data.path("level").asText("info");
        String message = data.path("message").asText("");
        return "info".equals(level) ? message : level.toUpperCase() + " " + message;
    }

    private static String state(JsonNode data) {
        StringBuilder line = new StringBuilder("run ").append(data.path("state").asText());
        if (data.hasNonNull("reason")) {
            line.append(" (").append(data.path("reason").asText()).append(')');
        }
        if (data.hasNonNull("retry_in_ms")) {
            line.append(", attempt ").append(data.path("attempt").asInt()).append(" of ")
                    .append(data.path("max_attempts").asInt()).append(" in ")
                    .append(Durations.format(data.path("retry_in_ms").asLong()));
        }
        if (data.hasNonNull("error")) {
            line.append(": ").append(data.path("error").asText());
        }
        return line.toString();
    }

    private static String end(JsonNode data) {
        String state = data.path("state").asText();
        StringBuilder line = new StringBuilder("run ").append(state);
        if (data.hasNonNull("duration_ms")) {
            line.append(" in ").append(Durations.format(data.path("duration_ms").asLong()));
        }
        if (data.hasNonNull("error")) {
            line.append(": ").append(data.path("error").asText());
            if (data.hasNonNull("error_code")) {
                line.append(" [").append(data.path("error_code").asText()).append(']');
            }
        }
        return line.toString();
    }

    private void progress(JsonNode data) {
        long processed = data.path("processed").asLong();
        Long total = data.hasNonNull("total") ? data.path("total").asLong() : null;
        if (!terminal) {
            out.println("progress " + processed + (total != null ? "/" + total : ""));
            return;
        }
        if (total == null || total <= 0) {
            bar = "[" + processed + "]";
        } else {
            int filled = (int) Math.min(BAR_WIDTH, processed * BAR_WIDTH / total);
            long percent = Math.min(100, processed * 100 / total);
            bar = "[" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "] " + processed + "/" + total + " "
                    + percent + "%";
        }
        out.print("\r\033[K" + bar);
    }

    /** A line of its own: on a terminal, the bar is wiped first and drawn again under the line. */
    private void line(String text) {
        if (terminal && bar != null) {
            out.print("\r\033[K");
        }
        out.println(text);
        if (terminal && bar != null) {
            out.print(bar);
        }
    }

    /** Ends the line of the bar, if one is drawn. */
    void finish() {
        if (terminal && bar != null) {
            out.println();
            bar = null;
        }
        out.flush();
    }
}
