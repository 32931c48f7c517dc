package dev.jobstream.worker;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The body of {@code POST /v1/workers/claim}: who claims ({@code worker}, an id of the worker process, such as its
 * host and pid), the jobs it executes, how many runs it can take ({@code max}, 1 to 100; default 1) and how long to
 * wait for one when none is due ({@code wait} seconds, 0 to 60; default 30).
 */
@Schema(requiredProperties = {"worker", "jobs"}, properties = {
        @SchemaProperty(name = "worker", description = "this worker's id among the token's workers, such as host and "
                + "pid", pattern = "^" + Lease.WORKER_ID + "$"),
        @SchemaProperty(name = "jobs", minItems = 1, maxItems = WorkerService.MAX_JOBS),
        @SchemaProperty(name = "max", minimum = "1", maximum = "" + WorkerService.MAX_CLAIM, description = "runs it "
                + "can take (default 1)"),
        @SchemaProperty(name = "wait", description = "seconds to wait for a run "
                + "(default 30)", minimum = "0", maximum = "" + WorkerService.MAX_WAIT_SECONDS)})
public record ClaimRequest(String worker, List<String> jobs, Integer max, @JsonProperty("wait") Integer waitSeconds) {
}
