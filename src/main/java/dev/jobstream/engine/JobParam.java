package dev.jobstream.engine;

/**
 * One parameter a job accepts. {@code type} is {@code integer}, {@code string}, {@code date} (ISO yyyy-MM-dd) or
 * {@code duration} (e.g. {@code 90d}, {@code 12h}, {@code PT30M}); {@code defaultValue} may be null (unset).
 */
public record JobParam(String name, String type, Object defaultValue, Long minimum, String description) {

    public static JobParam integer(String name, Integer defaultValue, long minimum, String description) {
        return new JobParam(name, "integer", defaultValue, minimum, description);
    }

    public static JobParam date(String name, String description) {
        return new JobParam(name, "date", null, null, description);
    }

    public static JobParam duration(String name, String defaultValue, String description) {
        return new JobParam(name, "duration", defaultValue, null, description);
    }
}
