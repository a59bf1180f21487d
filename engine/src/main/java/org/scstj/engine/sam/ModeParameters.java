package org.scstj.engine.sam;

/**
 * The changeable mode parameters of one logical unit (SPC-5 7.5, SBC-4 6.5): one object per LU,
 * made with its LUN actor and shared by every nexus's {@link LuContext}, so a MODE SELECT through
 * one nexus is what every nexus's next command sees. Only MODE SELECT changes it, and it does so
 * with the whole parameter list already checked ({@link #apply}); fields are volatile because the
 * Data-Out that carries the list completes on a transport thread.
 *
 * <p>There are no saved values (PS 0, SP 1 refused). The unit attention MODE PARAMETERS CHANGED
 * (SPC-5 7.5.1) for the other nexuses is not established yet: that comes with issue 5.
 */
public final class ModeParameters {
    private final boolean writeBackDefault;
    private volatile boolean writeCacheEnabled;
    private volatile boolean descriptorSense;
    private volatile boolean softwareWriteProtect;

    /** Default values: WCE as the device's cache, fixed-format sense, no software write protect. */
    public ModeParameters(boolean writeBackCache) {
        this.writeBackDefault = writeBackCache;
        this.writeCacheEnabled = writeBackCache;
    }

    /** SBC-4 6.5.5 Caching page WCE; when 0 every write is durable before completion (as FUA). */
    public boolean writeCacheEnabled() {
        return writeCacheEnabled;
    }

    /** The default WCE: the device has a write-back cache. WCE is changeable only then. */
    public boolean writeBackDefault() {
        return writeBackDefault;
    }

    /** SPC-5 7.5.8 Control page D_SENSE: descriptor-format sense data. */
    public boolean descriptorSense() {
        return descriptorSense;
    }

    /** SPC-5 7.5.8 Control page SWP: the medium is write-protected (SBC-4 4.11). */
    public boolean softwareWriteProtect() {
        return softwareWriteProtect;
    }

    /** Sets the current values of a MODE SELECT parameter list that passed every check. */
    public synchronized void apply(boolean wce, boolean dSense, boolean swp) {
        this.writeCacheEnabled = wce && writeBackDefault;
        this.descriptorSense = dSense;
        this.softwareWriteProtect = swp;
    }
}
