package dev.jobstream.auth;

/**
 * The names of the {@link Role}s, for {@code @RolesAllowed}: every {@code /v1} resource method names the least role it
 * needs (on the method or its class), and a method that names none is refused to everyone. A caller's identity holds
 * its role and every role that role includes, so {@code @RolesAllowed(Roles.VIEWER)} admits operators and admins too.
 */
public final class Roles {

    public static final String WORKER = "worker";
    public static final String VIEWER = "viewer";
    public static final String OPERATOR = "operator";
    public static final String ADMIN = "admin";

    private Roles() {
    }
}
