package dev.jobstream.auth;

import java.security.Principal;
import java.util.Set;

/** Who made a request: the token's name and its roles. */
public record Caller(String name, Set<String> roles) implements Principal {

    @Override
    public String getName() {
        return name;
    }
}
