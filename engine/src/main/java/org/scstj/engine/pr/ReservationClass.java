package org.scstj.engine.pr;

/**
 * SPC-5 5.14.3 table "SPC commands that are allowed in the presence of various reservations" and
 * SBC-4 4.17 table "SBC-4 commands that are allowed in the presence of various reservations", as
 * data: one value per command class, one column per kind of I_T nexus, {@code true} where the
 * command is allowed. A reservation holder is always allowed; the columns are for the others.
 * Every command-table row names its class (a row without one does not build), so no command is
 * classed by default.
 */
public enum ReservationClass {
    /**
     * INQUIRY, LOG SENSE, PERSISTENT RESERVE IN / OUT (the service action checks the key),
     * READ CAPACITY, REPORT LUNS, REPORT SUPPORTED OPERATION CODES / TASK MANAGEMENT FUNCTIONS,
     * REQUEST SENSE, TEST UNIT READY, PREVENT ALLOW MEDIUM REMOVAL with PREVENT 00b.
     */
    ALLOWED(true, true, true, true, true),
    /** Reads of the medium: READ, VERIFY, PRE-FETCH, GET LBA STATUS, READ DEFECT DATA (SBC-4 4.17). */
    READ(true, false, true, true, false),
    /**
     * Writes of the medium and commands SPC-5 / SBC-4 reserve to the holder and registrants:
     * WRITE and its kin, UNMAP, FORMAT UNIT, SANITIZE, SYNCHRONIZE CACHE, MODE SELECT / SENSE,
     * START STOP UNIT, PREVENT ALLOW MEDIUM REMOVAL with PREVENT 01b, EXTENDED COPY, RECEIVE
     * COPY RESULTS, READ / WRITE BUFFER.
     */
    WRITE(false, false, true, false, false),
    /** SPC-2 RESERVE / RELEASE: conflict with any registration (SPC-5 5.14.1), checked apart. */
    SPC2_RESERVATION(false, false, false, false, false);

    private final boolean weAny;
    private final boolean eaAny;
    private final boolean registered;
    private final boolean weUnregistered;
    private final boolean eaUnregistered;

    /**
     * @param weAny          WRITE EXCLUSIVE, from any I_T nexus that does not hold it
     * @param eaAny          EXCLUSIVE ACCESS, from any I_T nexus that does not hold it
     * @param registered     a REGISTRANTS ONLY or ALL REGISTRANTS type, from a registered I_T nexus
     * @param weUnregistered WRITE EXCLUSIVE REGISTRANTS ONLY / ALL REGISTRANTS, from a nexus not registered
     * @param eaUnregistered EXCLUSIVE ACCESS REGISTRANTS ONLY / ALL REGISTRANTS, from a nexus not registered
     */
    ReservationClass(boolean weAny, boolean eaAny, boolean registered, boolean weUnregistered,
                     boolean eaUnregistered) {
        this.weAny = weAny;
        this.eaAny = eaAny;
        this.registered = registered;
        this.weUnregistered = weUnregistered;
        this.eaUnregistered = eaUnregistered;
    }

    /** Allowed from an I_T nexus that does not hold a reservation of {@code type}. */
    public boolean allowed(PrType type, boolean nexusRegistered) {
        if (type.sharing() == PrType.Sharing.NONE) {
            return type.exclusiveAccess() ? eaAny : weAny;
        }
        if (nexusRegistered) {
            return registered;
        }
        return type.exclusiveAccess() ? eaUnregistered : weUnregistered;
    }
}
