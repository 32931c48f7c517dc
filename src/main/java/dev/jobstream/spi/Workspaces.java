package dev.jobstream.spi;

import java.util.UUID;

/** The workspaces with a meaning of their own. */
public final class Workspaces {

    /** The workspace of a run triggered without one ("global"); a token may be limited to it like to any other. */
    public static final UUID GLOBAL = new UUID(0, 0);

    /**
     * Where the runs of {@link JobHandler#system() system jobs} are recorded. No token limited to workspaces sees it,
     * even one that names it; no other job's run may be in it.
     */
    public static final UUID SYSTEM = new UUID(-1, -1);

    private Workspaces() {
    }
}
