package org.scstj.engine.pr;

/**
 * SPC-5 6.17.2 table "Persistent reservation TYPE codes": the six types scstj supports. Which
 * I_T nexuses hold the reservation and who may read or write follow from two properties: whether
 * reads are excluded too (EXCLUSIVE ACCESS) and whether registrants share it (REGISTRANTS ONLY,
 * ALL REGISTRANTS).
 */
public enum PrType {
    WRITE_EXCLUSIVE(0x1, false, Sharing.NONE),
    EXCLUSIVE_ACCESS(0x3, true, Sharing.NONE),
    WRITE_EXCLUSIVE_REGISTRANTS_ONLY(0x5, false, Sharing.REGISTRANTS_ONLY),
    EXCLUSIVE_ACCESS_REGISTRANTS_ONLY(0x6, true, Sharing.REGISTRANTS_ONLY),
    WRITE_EXCLUSIVE_ALL_REGISTRANTS(0x7, false, Sharing.ALL_REGISTRANTS),
    EXCLUSIVE_ACCESS_ALL_REGISTRANTS(0x8, true, Sharing.ALL_REGISTRANTS);

    /** How registrants other than the holder share the reservation (SPC-5 5.14.10). */
    public enum Sharing {
        /** Only the holder has access. */
        NONE,
        /** Every registered I_T nexus has access; one of them holds it. */
        REGISTRANTS_ONLY,
        /** Every registered I_T nexus has access and is a holder. */
        ALL_REGISTRANTS
    }

    private final int code;
    private final boolean exclusiveAccess;
    private final Sharing sharing;

    PrType(int code, boolean exclusiveAccess, Sharing sharing) {
        this.code = code;
        this.exclusiveAccess = exclusiveAccess;
        this.sharing = sharing;
    }

    /** The TYPE field value. */
    public int code() {
        return code;
    }

    /** Reads by an I_T nexus without access conflict too (EXCLUSIVE ACCESS types). */
    public boolean exclusiveAccess() {
        return exclusiveAccess;
    }

    public Sharing sharing() {
        return sharing;
    }

    /** Every registrant is a reservation holder (SPC-5 5.14.10: ALL REGISTRANTS types). */
    public boolean allRegistrants() {
        return sharing == Sharing.ALL_REGISTRANTS;
    }

    /** The type with this TYPE code, or null (SPC-5: INVALID FIELD IN CDB). */
    public static PrType of(int code) {
        for (PrType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
