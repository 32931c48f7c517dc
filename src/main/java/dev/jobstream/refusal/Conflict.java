package dev.jobstream.refusal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state of what the request acts on does not allow it: a run already ended, a slot another run holds, a lease
 * that no longer holds its run. {@link #facts()} are what a client acts on, by name (say, {@code active_run_id}).
 */
public non-sealed class Conflict extends Refusal {

    private final Map<String, Object> facts;

    public Conflict(String message) {
        this(message, Map.of());
    }

    /** {@code facts} in the order given; a fact may be null (known to be none). */
    public Conflict(String message, Map<String, Object> facts) {
        super(message);
        this.facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts));
    }

    public Map<String, Object> facts() {
        return facts;
    }
}
