package dev.jobstream.engine;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.HexFormat;

import jakarta.inject.Singleton;

import dev.jobstream.config.JobstreamConfig;

/**
 * The replica this process is: its id, which it writes into {@code job_runs.owner} of the runs its engines execute and
 * into the replicas table ({@code jobstream.instance-id}, else the host name and a per-process suffix).
 */
@Singleton
public class LocalReplica {

    private final String id;

    LocalReplica(JobstreamConfig config) {
        this.id = config.instanceId().orElseGet(LocalReplica::defaultId);
    }

    /** Host name (the pod name on Kubernetes) plus a per-process suffix, so two processes on a host differ. */
    private static String defaultId() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "jobstream";
            }
        }
        byte[] suffix = new byte[3];
        new SecureRandom().nextBytes(suffix);
        return host + "-" + HexFormat.of().formatHex(suffix);
    }

    public String id() {
        return id;
    }
}
