package dev.jobstream.spi;

import java.util.UUID;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.pointer.JsonPointer;

/**
 * How a job's starts are limited, beyond {@link JobHandler#maxActive()}: a {@link RateLimit} of the whole job, and,
 * for a job that counts its runs by a key, a rate limit and a most active at once per key. The key is taken from
 * each run when it is triggered: {@link #WORKSPACE} (its workspace), or a JSON pointer into its params
 * ({@code /customer_id}; a run whose params lack it has the empty key). A run over a limit stays queued until it is
 * within them; a run over {@code maxActivePerKey} is refused instead when the job says {@link KeyBusy#REFUSE}.
 *
 * <pre>{@code
 * JobLimits.NONE.withRate(RateLimit.of(100, Duration.ofMinutes(1)))
 *         .byKey("/customer_id").withRatePerKey(RateLimit.of(10, Duration.ofMinutes(1)))
 *         .withMaxActivePerKey(2, KeyBusy.QUEUE)
 * }</pre>
 */
public record JobLimits(RateLimit rate, String key, RateLimit ratePerKey, Integer maxActivePerKey,
        KeyBusy whenKeyBusy) {

    /** The key of runs counted by workspace. */
    public static final String WORKSPACE = "workspace";
    /** The longest key a run may have. */
    public static final int MAX_KEY = 200;
    /** The most runs of a key active at once that a job may allow. */
    public static final int MAX_ACTIVE_PER_KEY = 10_000;

    /** No limits. */
    public static final JobLimits NONE = new JobLimits(null, null, null, null, KeyBusy.QUEUE);

    /** What becomes of a run triggered while its key has {@code maxActivePerKey} runs active. */
    public enum KeyBusy {
        /** It is queued, and starts when a place of its key frees. */
        QUEUE,
        /** It is refused (409), naming the runs that hold the key's places, as an exclusive job's trigger is. */
        REFUSE
    }

    public JobLimits {
        whenKeyBusy = whenKeyBusy == null ? KeyBusy.QUEUE : whenKeyBusy;
        if (key != null && !key.equals(WORKSPACE) && !key.startsWith("/")) {
            throw new IllegalArgumentException(
                    "'limit_key' must be \"workspace\" or a JSON pointer into the params such as /customer_id: "
                            + key);
        }
        if (key != null && key.length() > MAX_KEY) {
            throw new IllegalArgumentException("'limit_key' may have at most " + MAX_KEY + " characters");
        }
        if (key != null && key.startsWith("/")) {
            JsonPointer.from(key); // a malformed pointer fails here
        }
        if (maxActivePerKey != null && (maxActivePerKey < 1 || maxActivePerKey > MAX_ACTIVE_PER_KEY)) {
            throw new IllegalArgumentException(
                    "'max_active_per_key' must be 1 to " + MAX_ACTIVE_PER_KEY + ": " + maxActivePerKey);
        }
    }

    /**
     * These limits, if whole: a limit per key needs the key, and a key a limit per key.
     *
     * @throws IllegalArgumentException
     *             naming what is missing
     */
    public JobLimits checked() {
        boolean perKey = ratePerKey != null || maxActivePerKey != null;
        if (perKey != (key != null)) {
            throw new IllegalArgumentException(perKey
                    ? "a limit per key needs the 'limit_key' its runs are counted by"
                    : "a 'limit_key' needs a limit per key: 'rate_limit_per_key' or 'max_active_per_key'");
        }
        return this;
    }

    public JobLimits withRate(RateLimit limit) {
        return new JobLimits(limit, key, ratePerKey, maxActivePerKey, whenKeyBusy);
    }

    /** Counts the runs by {@code key}: {@link #WORKSPACE} or a JSON pointer into the params. */
    public JobLimits byKey(String key) {
        return new JobLimits(rate, key, ratePerKey, maxActivePerKey, whenKeyBusy);
    }

    public JobLimits withRatePerKey(RateLimit limit) {
        return new JobLimits(rate, key, limit, maxActivePerKey, whenKeyBusy);
    }

    public JobLimits withMaxActivePerKey(int most, KeyBusy when) {
        return new JobLimits(rate, key, ratePerKey, most, when);
    }

    /** True if any start of the job is counted: its claims are serialized across replicas. */
    public boolean any() {
        return rate != null || ratePerKey != null || maxActivePerKey != null;
    }

    /** True if a trigger over {@code maxActivePerKey} is refused rather than queued. */
    public boolean refusesWhenKeyBusy() {
        return maxActivePerKey != null && whenKeyBusy == KeyBusy.REFUSE;
    }

    /**
     * The key of a run of {@code workspace} with {@code params}; null for a job without a key. A string value is the
     * key as it is, any other its JSON; a value the params lack is the empty key.
     *
     * @throws IllegalArgumentException
     *             a key longer than {@link #MAX_KEY} characters
     */
    public String keyOf(UUID workspace, JsonObject params) {
        if (key == null) {
            return null;
        }
        if (key.equals(WORKSPACE)) {
            return workspace.toString();
        }
        Object value = JsonPointer.from(key).queryJson(params);
        String text = value == null ? "" : value instanceof String string ? string : Json.encode(value);
        if (text.length() > MAX_KEY) {
            throw new IllegalArgumentException("the params' value at " + key + " is the run's limit key, and may "
                    + "have at most " + MAX_KEY + " characters: it has " + text.length());
        }
        return text;
    }
}
