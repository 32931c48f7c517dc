package dev.jobstream.generated.use;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.jobstream.generated.ApiClient;
import dev.jobstream.generated.ApiException;
import dev.jobstream.generated.api.JobsApi;
import dev.jobstream.generated.api.RunsApi;
import dev.jobstream.generated.api.WorkersApi;
import dev.jobstream.generated.model.ClaimRequest;
import dev.jobstream.generated.model.ClaimedRun;
import dev.jobstream.generated.model.EndRequest;
import dev.jobstream.generated.model.RemoteJobRequest;
import dev.jobstream.generated.model.ReportAnswer;
import dev.jobstream.generated.model.ReportRequest;
import dev.jobstream.generated.model.ReportRequestEventsInner;
import dev.jobstream.generated.model.Run;
import dev.jobstream.generated.model.RunEvent;
import dev.jobstream.generated.model.TriggerRequest;

/**
 * Code a team would write against the client that OpenAPI Generator makes from the service's document (compiled
 * with it by GeneratedClientIT, outside the build's sources): an admin registers a job for workers and triggers
 * it, a worker claims the run, reports a log line under its lease and completes it, the admin reads its events.
 */
public final class GeneratedClientUse {

    private GeneratedClientUse() {
    }

    /** What it saw, one line per step, for the test to check. */
    public static List<String> use(String baseUri, String adminToken, String workerToken) throws ApiException {
        List<String> seen = new ArrayList<>();
        JobsApi jobs = new JobsApi(client(baseUri, adminToken));
        RunsApi runs = new RunsApi(client(baseUri, adminToken));
        WorkersApi worker = new WorkersApi(client(baseUri, workerToken));

        seen.add("registered " + jobs.putRemoteJob("remote.generated", new RemoteJobRequest().exclusive(false)
                .description("Run by a worker written with the generated client")).getExecutor());
        seen.add("listed " + jobs.listJobs().stream().anyMatch(job -> job.getName().equals("remote.generated")));
        UUID workspace = UUID.randomUUID();
        // the nulls: the operation's optional query and header parameters (the last, traceparent)
        Run triggered = jobs.triggerRun("remote.generated", null, null, null, null, null,
                new TriggerRequest().workspaceId(workspace).params(Map.of()));
        seen.add("triggered " + triggered.getStatus().getValue());

        ClaimRequest request = new ClaimRequest().worker("generated-1").jobs(List.of("remote.generated")).max(1);
        request.setWait(10); // the fluent wait(Integer) loses to Object.wait(long) for an int
        Map<String, List<ClaimedRun>> claim = worker.claimRuns(request);
        ClaimedRun claimed = claim.get("runs").get(0);
        seen.add("claimed " + claimed.getRunId().equals(triggered.getId()));
        String lease = claimed.getLease().getToken();
        ReportAnswer answer = worker.reportRun(claimed.getRunId(), new ReportRequest().lease(lease).seq(1)
                .events(List.of(new ReportRequestEventsInner().type(ReportRequestEventsInner.TypeEnum.LOG)
                        .message("hello from the generated client"))));
        seen.add("reported " + answer.getStored());
        Run completed = worker.completeRun(claimed.getRunId(), new EndRequest().lease(lease)
                .metrics(Map.of("greeted", 1)));
        seen.add("completed " + completed.getStatus().getValue() + " by " + completed.getOwner());

        for (RunEvent event : runs.getRunEvents(triggered.getId(), null, null, null)) {
            seen.add("event " + event.getEvent());
        }
        try {
            runs.getRun(UUID.randomUUID());
            seen.add("unknown run found");
        } catch (ApiException e) {
            seen.add("unknown run " + e.getCode());
        }
        return seen;
    }

    private static ApiClient client(String baseUri, String token) {
        ApiClient client = new ApiClient();
        client.updateBaseUri(baseUri);
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + token));
        return client;
    }
}
