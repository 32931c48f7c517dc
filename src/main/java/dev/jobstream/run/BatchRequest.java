package dev.jobstream.run;

import java.util.List;

/** Body of {@code POST /v1/jobs/{job}/runs/batch}. */
public record BatchRequest(List<TriggerRequest> runs) {
}
