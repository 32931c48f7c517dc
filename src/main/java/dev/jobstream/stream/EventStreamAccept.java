package dev.jobstream.stream;

/**
 * Content negotiation between a run's events as SSE and as JSON, for the endpoints that serve both: SSE when the
 * Accept header prefers {@code text/event-stream} to JSON — a higher quality, or the same one listed first. An
 * EventSource sends {@code text/event-stream} alone; a generated client sends every type the operation documents,
 * JSON first, and must get JSON: a stream it would read to its end never ends while the run is active.
 */
public final class EventStreamAccept {

    private EventStreamAccept() {
    }

    /** True if {@code accept} (an Accept header, null when absent) asks for SSE rather than JSON. */
    public static boolean prefersEventStream(String accept) {
        String ranges = accept == null ? "" : accept.toLowerCase(java.util.Locale.ROOT);
        if (!ranges.contains("text/event-stream")) {
            return false;
        }
        double stream = -1;
        double json = -1;
        for (String range : ranges.split(",")) {
            String[] parts = range.split(";");
            String type = parts[0].trim();
            double quality = quality(parts);
            if (type.equals("text/event-stream")) {
                stream = Math.max(stream, quality);
            } else if ((type.equals("application/json") || type.equals("application/*") || type.equals("*/*"))
                    && json < 0) {
                json = quality; // the first JSON range listed: ties go to whichever came first
                if (stream >= 0 && stream >= json) {
                    return stream > 0;
                }
            }
        }
        return stream > 0 && stream > json;
    }

    private static double quality(String[] parameters) {
        for (int i = 1; i < parameters.length; i++) {
            String parameter = parameters[i].trim();
            if (parameter.startsWith("q=")) {
                try {
                    double q = Double.parseDouble(parameter.substring(2).trim());
                    return q >= 0 && q <= 1 ? q : 0;
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }
}
