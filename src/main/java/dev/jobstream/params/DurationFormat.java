package dev.jobstream.params;

import com.networknt.schema.ExecutionContext;
import com.networknt.schema.format.Format;

import dev.jobstream.spi.JobParam;

/**
 * {@code "format": "duration"} as jobstream reads durations everywhere: {@code 90d}, {@code 12h}, {@code 30m},
 * {@code 45s}, {@code 500ms} or ISO-8601 ({@code PT30M}), not negative, at most 36500 days.
 */
final class DurationFormat implements Format {

    static final String MESSAGE = "must be a duration such as 90d, 12h, 30m or PT30M, at most 36500d";

    @Override
    public String getName() {
        return "duration";
    }

    @Override
    public boolean matches(ExecutionContext executionContext, String value) {
        try {
            JobParam.parseDuration(value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
