package org.scstj.transports.iscsi.initiator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What to log in with (RFC 7143 6, 13): the names, ISID / TSIH / CID, optional CHAP, and every
 * operational key offered, in order. Defaults: an ISID of type "random" (RFC 7143 11.12.5), TSIH 0
 * (a new session), CID 0, digests None, and this side's MaxRecvDataSegmentLength 262144. Any key
 * may be set or removed with {@link #key}; {@link #securityStage} starts in the security stage
 * even without CHAP (AuthMethod=None).
 */
public final class LoginSpec {
    private final Map<String, String> leading = new LinkedHashMap<>();
    private final Map<String, String> operational = new LinkedHashMap<>();
    private long isid = 0x80_0000_0000L | (System.nanoTime() & 0xff_ffffL);
    private int tsih;
    private int cid;
    private Chap chap;
    private boolean securityStage;

    private LoginSpec() {
        operational.put("HeaderDigest", "None");
        operational.put("DataDigest", "None");
        operational.put("MaxRecvDataSegmentLength", "262144");
    }

    /** A normal session with {@code target}. */
    public static LoginSpec normal(String initiatorName, String targetName) {
        LoginSpec s = new LoginSpec();
        s.leading.put("InitiatorName", initiatorName);
        s.leading.put("TargetName", targetName);
        s.leading.put("SessionType", "Normal");
        return s;
    }

    /** A discovery session (RFC 7143 4.3): SendTargets only. */
    public static LoginSpec discovery(String initiatorName) {
        LoginSpec s = new LoginSpec();
        s.leading.put("InitiatorName", initiatorName);
        s.leading.put("SessionType", "Discovery");
        return s;
    }

    /** Sets an operational key (null removes it); e.g. key("ErrorRecoveryLevel", "1"). */
    public LoginSpec key(String key, String value) {
        if (value == null) {
            operational.remove(key);
        } else {
            operational.put(key, value);
        }
        return this;
    }

    /** Sets a leading key sent with the first request (InitiatorName, TargetName, SessionType, ...). */
    public LoginSpec leadingKey(String key, String value) {
        if (value == null) {
            leading.remove(key);
        } else {
            leading.put(key, value);
        }
        return this;
    }

    public LoginSpec isid(long isid) {
        this.isid = isid & 0xffff_ffff_ffffL;
        return this;
    }

    public LoginSpec tsih(int tsih) {
        this.tsih = tsih;
        return this;
    }

    public LoginSpec cid(int cid) {
        this.cid = cid;
        return this;
    }

    public LoginSpec chap(Chap chap) {
        this.chap = chap;
        return this;
    }

    public LoginSpec securityStage(boolean on) {
        this.securityStage = on;
        return this;
    }

    public LoginSpec copy() {
        LoginSpec s = new LoginSpec();
        s.leading.putAll(leading);
        s.operational.clear();
        s.operational.putAll(operational);
        s.isid = isid;
        s.tsih = tsih;
        s.cid = cid;
        s.chap = chap;
        s.securityStage = securityStage;
        return s;
    }

    public Map<String, String> leadingKeys() {
        return leading;
    }

    public Map<String, String> operationalKeys() {
        return operational;
    }

    public long isid() {
        return isid;
    }

    public int tsih() {
        return tsih;
    }

    public int cid() {
        return cid;
    }

    public Chap chap() {
        return chap;
    }

    public boolean startsWithSecurity() {
        return securityStage || chap != null;
    }

    public boolean isDiscovery() {
        return "Discovery".equals(leading.get("SessionType"));
    }
}
