package dev.jobstream.run;

import java.util.List;

/** One page of the run list and the cursor of the next page (null on the last page). */
public record RunPage(List<Run> runs, String nextCursor) {

    /** {@code fetched} holds up to {@code limit + 1} runs; the extra one only tells that another page exists. */
    public static RunPage of(List<Run> fetched, int limit) {
        if (fetched.size() <= limit) {
            return new RunPage(fetched, null);
        }
        List<Run> page = fetched.subList(0, limit);
        return new RunPage(List.copyOf(page), RunCursor.after(page.get(limit - 1)).encode());
    }
}
