package dev.jobstream.auth;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** What a token may do; each role includes the ones before it. */
public enum Role {
    /** Reads runs, events, streams, errors, jobs, engines. */
    VIEWER,
    /** Also triggers, controls runs, resolves error events. */
    OPERATOR,
    /** Also deletes runs and runs the self-test. */
    ADMIN;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean includes(Role other) {
        return compareTo(other) >= 0;
    }

    /** This role's name and those of the roles it includes. */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        for (Role role : values()) {
            if (includes(role)) {
                names.add(role.value());
            }
        }
        return names;
    }

    public static Optional<Role> parse(String value) {
        return Arrays.stream(values()).filter(r -> r.value().equals(value)).findFirst();
    }

    /** The highest of the named roles that exist, if any. */
    public static Optional<Role> highest(Iterable<String> names) {
        Role best = null;
        for (String name : names) {
            Role role = parse(name).orElse(null);
            if (role != null && (best == null || role.includes(best))) {
                best = role;
            }
        }
        return Optional.ofNullable(best);
    }
}
