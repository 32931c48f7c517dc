package dev.jobstream.client;

import java.util.List;

/** One page of {@code GET /v1/runs}, newest first; {@code nextCursor} is null on the last page. */
public record RunPage(List<Run> runs, String nextCursor) {
}
