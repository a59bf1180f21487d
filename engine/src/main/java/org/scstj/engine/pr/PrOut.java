package org.scstj.engine.pr;

import java.util.List;

/**
 * A checked PERSISTENT RESERVE OUT (SPC-5 6.17): the CDB's service action, scope and type and the
 * parameter list's fields, as {@link Reservations#execute} takes them.
 *
 * @param serviceAction  SPC-5 6.17.2 SERVICE ACTION (00h REGISTER ... 07h REGISTER AND MOVE)
 * @param scope          SCOPE (only 0h LU_SCOPE is valid)
 * @param type           TYPE code as sent (checked where the service action uses it)
 * @param key            RESERVATION KEY
 * @param serviceActionKey SERVICE ACTION RESERVATION KEY
 * @param specIPt        SPEC_I_PT: also register {@code transportIds}
 * @param allTgPt        ALL_TG_PT: register through every target port
 * @param aptpl          APTPL: keep across power loss (SPC-5 5.14.4)
 * @param transportIds   SPEC_I_PT's initiator ports, or REGISTER AND MOVE's destination (one)
 * @param unreg          REGISTER AND MOVE's UNREG
 * @param relativeTargetPortId REGISTER AND MOVE's RELATIVE TARGET PORT IDENTIFIER
 */
public record PrOut(int serviceAction, int scope, int type, long key, long serviceActionKey, boolean specIPt,
                    boolean allTgPt, boolean aptpl, List<Registrant> transportIds, boolean unreg,
                    int relativeTargetPortId) {

    public static final int REGISTER = 0x00;
    public static final int RESERVE = 0x01;
    public static final int RELEASE = 0x02;
    public static final int CLEAR = 0x03;
    public static final int PREEMPT = 0x04;
    public static final int PREEMPT_AND_ABORT = 0x05;
    public static final int REGISTER_AND_IGNORE_EXISTING_KEY = 0x06;
    public static final int REGISTER_AND_MOVE = 0x07;

    /** What {@link Reservations#execute} decided. */
    public enum Outcome {
        GOOD,
        /** RESERVATION CONFLICT status. */
        CONFLICT,
        /** ILLEGAL REQUEST, INVALID FIELD IN CDB at SCOPE / TYPE (byte 2). */
        INVALID_SCOPE_OR_TYPE,
        /** ILLEGAL REQUEST, INVALID FIELD IN PARAMETER LIST 26/00. */
        INVALID_PARAMETER,
        /** ILLEGAL REQUEST, INVALID RELEASE OF PERSISTENT RESERVATION 26/04. */
        INVALID_RELEASE
    }
}
