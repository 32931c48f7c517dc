package dev.jobstream.worker;

import dev.jobstream.refusal.Invalid;

/**
 * A worker's hold on a run: the run's attempt (the fencing token: it grows with every claim, sweep and retry of the
 * run) and the worker's id. Its token is {@code <attempt>.<worker id>}; the run's owner is
 * {@code worker:<token name>/<worker id>}, so that only the credential that claimed the run can use its lease. Every
 * write of a worker is guarded in SQL by the run's owner, attempt and executing state: once a lease is no longer the
 * run's (it expired and the run was swept, the run was cancelled, or claimed again), nothing it sends is stored.
 */
record Lease(int attempt, String worker) {

    /** What a worker's id may hold: a host name and process id, a pod name. */
    static final String WORKER_ID = "[A-Za-z0-9._:@-]{1,100}";

    /** The owner a run has while the worker {@code worker} of the token {@code tokenName} holds it. */
    static String owner(String tokenName, String worker) {
        return "worker:" + tokenName + "/" + worker;
    }

    String owner(String tokenName) {
        return owner(tokenName, worker);
    }

    String token() {
        return attempt + "." + worker;
    }

    /** The lease a token stands for; invalid if it is not one. */
    static Lease parse(String token) {
        if (token != null) {
            int dot = token.indexOf('.');
            if (dot > 0 && dot <= 9 && token.substring(0, dot).chars().allMatch(Character::isDigit)
                    && token.substring(dot + 1).matches(WORKER_ID)) {
                return new Lease(Integer.parseInt(token.substring(0, dot)), token.substring(dot + 1));
            }
        }
        throw new Invalid("'lease' must be the lease token the claim gave (<attempt>.<worker id>)");
    }
}
