package dev.jobstream.error;

import java.util.List;

/** A page of error events, newest first, and the cursor of the next page (null: none). */
public record ErrorPage(List<ErrorEvent> errors, String nextCursor) {
}
