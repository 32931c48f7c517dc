package dev.jobstream.run.http;

import java.util.List;

import dev.jobstream.run.TriggerRequest;

/** Body of {@code POST /v1/jobs/{job}/runs/batch}. */
public record BatchRequest(List<TriggerRequest> runs) {
}
