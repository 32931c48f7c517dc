package dev.jobstream.auth;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Singleton;

import dev.jobstream.config.JobstreamConfig;
import dev.jobstream.refusal.TooMany;

/**
 * How many long requests one token may hold open on this replica: SSE streams ({@code jobstream.streams.max-per-token}),
 * workers' long polls for runs (as many as streams) and {@code ?wait} triggers
 * ({@code jobstream.triggers.max-waits-per-token}), so that one token cannot take a replica's memory or its database
 * pool. A request beyond is refused ({@link TooMany}: a 429 with {@code Retry-After}); a permit is given back when its
 * request ends, however it ends (completed, failed, or the client went away).
 */
@Singleton
public class TokenLimits {

    /** A held place; {@link #release()} gives it back, once however often it is called. */
    public interface Permit {
        void release();
    }

    public enum Kind {
        STREAM("SSE streams open"), WAIT("triggers waiting with ?wait"), POLL("claims waiting for runs");

        private final String what;

        Kind(String what) {
            this.what = what;
        }
    }

    private final int maxStreams;
    private final int maxWaits;
    /** Per kind, per token name: the requests it holds (no entry: none). */
    private final ConcurrentHashMap<String, Integer> streams = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> waits = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> polls = new ConcurrentHashMap<>();

    TokenLimits(JobstreamConfig config) {
        this.maxStreams = config.streams().maxPerToken();
        this.maxWaits = config.triggers().maxWaitsPerToken();
    }

    /** A place for one more request of {@code kind} by {@code caller}; refused if it holds as many as it may. */
    public Permit acquire(Caller caller, Kind kind) {
        ConcurrentHashMap<String, Integer> held = held(kind);
        int max = kind == Kind.WAIT ? maxWaits : maxStreams;
        String key = caller.name();
        AtomicBoolean granted = new AtomicBoolean();
        held.compute(key, (k, n) -> {
            int now = n == null ? 0 : n;
            granted.set(now < max);
            return now < max ? now + 1 : n;
        });
        if (!granted.get()) {
            throw new TooMany("Token '" + caller.name() + "' has " + max + " " + kind.what
                    + " on this replica, the most it may; end one or retry later", Duration.ofSeconds(1));
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                held.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
            }
        };
    }

    /** How many requests of {@code kind} the token named {@code name} holds. */
    public int held(String name, Kind kind) {
        return held(kind).getOrDefault(name, 0);
    }

    private ConcurrentHashMap<String, Integer> held(Kind kind) {
        return switch (kind) {
            case STREAM -> streams;
            case WAIT -> waits;
            case POLL -> polls;
        };
    }
}
