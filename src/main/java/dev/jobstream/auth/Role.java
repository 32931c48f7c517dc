package dev.jobstream.auth;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What a token may do; each of viewer, operator and admin includes the ones before it. {@link #WORKER} stands apart:
 * an external worker's token, which may claim runs of the jobs it names and report on the runs it holds, and nothing
 * else — no other role includes it, and it includes none.
 */
public enum Role {
    /** Claims runs and reports on them ({@code /v1/workers}); nothing else. */
    WORKER(Roles.WORKER),
    /** Reads runs, events, streams, errors, jobs, engines. */
    VIEWER(Roles.VIEWER),
    /** Also triggers, controls runs, resolves error events. */
    OPERATOR(Roles.OPERATOR),
    /** Also deletes runs and runs the self-test. */
    ADMIN(Roles.ADMIN);

    private final String value;

    Role(String value) {
        this.value = value;
    }

    /** The role's name, as tokens, JWTs and {@code @RolesAllowed} spell it. */
    public String value() {
        return value;
    }

    public boolean includes(Role other) {
        if (this == WORKER || other == WORKER) {
            return this == other;
        }
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

    /**
     * The highest of the named roles that exist, if any; {@code worker} only when no other role is named (a token is a
     * worker's or a person's, not both).
     */
    public static Optional<Role> highest(Iterable<String> names) {
        Role best = null;
        for (String name : names) {
            Role role = parse(name).orElse(null);
            if (role != null && (best == null || best == WORKER || (role != WORKER && role.includes(best)))) {
                best = role;
            }
        }
        return Optional.ofNullable(best);
    }
}
