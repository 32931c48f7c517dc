package dev.jobstream.error;

import java.util.List;

import jakarta.inject.Singleton;

import dev.jobstream.auth.Caller;
import dev.jobstream.refusal.NotFound;
import io.smallrye.mutiny.Uni;

/** Listing and resolving error events, within the caller's workspaces. */
@Singleton
public class ErrorService {

    private final ErrorEventStore store;

    ErrorService(ErrorEventStore store) {
        this.store = store;
    }

    /** A page of the events the query selects, newest first, with the cursor of the next page (null: none). */
    public Uni<ErrorPage> list(ErrorQuery query) {
        return store.list(query).map(found -> {
            if (found.size() <= query.limit()) {
                return new ErrorPage(found, null);
            }
            List<ErrorEvent> page = List.copyOf(found.subList(0, query.limit()));
            return new ErrorPage(page, "e" + page.get(query.limit() - 1).id());
        });
    }

    /**
     * Marks the event resolved by the caller (an event resolved before stays as it was); not found outside its scope.
     */
    public Uni<ErrorEvent> resolve(long id, Caller caller) {
        return store.resolve(id, caller.name(), caller.workspaces())
                .map(found -> found.orElseThrow(() -> new NotFound("Error event " + id + " not found")));
    }
}
