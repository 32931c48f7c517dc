package dev.jobstream.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Rows printed as columns aligned under their headers, two spaces apart; the last column is not padded. */
final class Table {

    /** A time as the terminal's zone shows it, to the second. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private final List<String[]> rows = new ArrayList<>();

    Table(String... headers) {
        rows.add(headers);
    }

    Table row(Object... cells) {
        String[] texts = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            texts[i] = cells[i] == null ? "-" : cells[i].toString();
        }
        rows.add(texts);
        return this;
    }

    /** {@code 2026-12-07 00:10:03} in the terminal's zone; {@code -} for none. */
    static String time(Instant instant) {
        return instant == null ? "-" : TIME.format(instant);
    }

    void print(PrintWriter out) {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(i < columns - 1 ? String.format("%-" + widths[i] + "s  ", row[i]) : row[i]);
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }
}
