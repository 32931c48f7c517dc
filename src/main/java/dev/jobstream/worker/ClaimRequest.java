package dev.jobstream.worker;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The body of {@code POST /v1/workers/claim}: who claims ({@code worker}, an id of the worker process, such as its
 * host and pid), the jobs it executes, how many runs it can take ({@code max}, 1 to 100; default 1) and how long to
 * wait for one when none is due ({@code wait} seconds, 0 to 60; default 30).
 */
public record ClaimRequest(String worker, List<String> jobs, Integer max, @JsonProperty("wait") Integer waitSeconds) {
}
