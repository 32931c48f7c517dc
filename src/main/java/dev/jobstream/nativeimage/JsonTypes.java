package dev.jobstream.nativeimage;

import dev.jobstream.auth.MeResource;
import dev.jobstream.bulk.BulkRequest;
import dev.jobstream.bulk.BulkService;
import dev.jobstream.engine.EngineRegistry;
import dev.jobstream.error.ErrorEvent;
import dev.jobstream.error.ErrorPage;
import dev.jobstream.feed.RunChange;
import dev.jobstream.replica.EngineResource;
import dev.jobstream.replica.ReplicaService;
import dev.jobstream.run.JobDefinition;
import dev.jobstream.run.Run;
import dev.jobstream.run.RunPage;
import dev.jobstream.run.RunStatus;
import dev.jobstream.run.TriggerRequest;
import dev.jobstream.run.http.BatchRequest;
import dev.jobstream.run.http.RunResource;
import dev.jobstream.run.service.RemoteJobRequest;
import dev.jobstream.spi.Dependency;
import dev.jobstream.spi.JobParam;
import dev.jobstream.stream.RunEvent;
import dev.jobstream.worker.ChildRequest;
import dev.jobstream.worker.ClaimRequest;
import dev.jobstream.worker.ClaimedRun;
import dev.jobstream.worker.EndRequest;
import dev.jobstream.worker.EndResult;
import dev.jobstream.worker.EndsRequest;
import dev.jobstream.worker.ReportAnswer;
import dev.jobstream.worker.ReportRequest;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Every type that Jackson reads or writes, registered for reflection so that the native image (de)serialises them
 * as the JVM does. Quarkus REST registers the declared types of resource methods by itself, but not what travels
 * inside a {@code Map} or {@code Response} (a batch's runs, a trigger's run), what is parsed from a {@code String}
 * body (trigger and batch requests) or written by an injected {@code ObjectMapper} (the feed's changes). A new JSON
 * type goes here.
 */
@RegisterForReflection(targets = {
        // run/
        Run.class, RunStatus.class, RunPage.class, RunResource.Progress.class, RunResource.Result.class,
        TriggerRequest.class, BatchRequest.class,
        // bulk/ (a Response's entity), replica/
        BulkRequest.class, BulkService.Bulk.class, ReplicaService.Replicas.class, ReplicaService.Replica.class,
        ReplicaService.Worker.class,
        // engine/ (GET /v1/jobs, GET /v1/engines)
        JobDefinition.class, JobParam.class, EngineResource.Engines.class, EngineRegistry.EngineInfo.class,
        // auth/ (GET /v1/me)
        MeResource.Me.class,
        // error/
        ErrorEvent.class, ErrorPage.class,
        // stream/
        RunEvent.class, RunChange.class, RemoteJobRequest.class, RemoteJobRequest.Param.class,
        RemoteJobRequest.Retry.class, ClaimRequest.class, ClaimedRun.class, ClaimedRun.LeaseView.class,
        ReportRequest.class, ReportRequest.Event.class, ReportAnswer.class, EndRequest.class, EndsRequest.class,
        EndsRequest.Item.class, EndResult.class,
        // flows: what a claim carries of the runs it waited for, a worker's child
        Dependency.class, ChildRequest.class})
public final class JsonTypes {

    private JsonTypes() {
    }
}
