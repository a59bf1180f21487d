package org.scstj.cluster;

/**
 * What the admin view shows of the self-fence: whether this node is fenced now and how many times it
 * was since it started. Written by the {@link ClusterGuard}, read by any thread.
 */
public final class GuardState {
    private volatile boolean fenced = true;
    private volatile int fences;

    void fenced() {
        fenced = true;
        fences++; // one writer: the guard
    }

    void unfenced() {
        fenced = false;
    }

    /** True until the first lease and after every expiry, until renewed. */
    public boolean isFenced() {
        return fenced;
    }

    /** How many times the lease expired while this node was serving. */
    public int fences() {
        return fences;
    }
}
