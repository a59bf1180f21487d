package org.scstj.engine.exec;

import org.scstj.engine.alua.AccessState;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.spi.Nexus;

import java.util.Map;

/**
 * One change of a logical unit's control state (its reservations, mode parameters and asymmetric
 * access states), as data: what a command or a task management function asks the
 * {@link LuControlPort} to do. Each operation is checked and applied whole by whoever keeps the
 * LU's control state, which answers with a {@link ControlResult}. Every field is a plain record,
 * enum, number or string, so that an operation can be sent to another node.
 */
public sealed interface ControlOp {
    /**
     * SPC-5 6.17 PERSISTENT RESERVE OUT, checked and parsed, from {@code nexus}; {@code tag} is the
     * command's own task, which PREEMPT AND ABORT does not abort (SPC-5 5.14.11.4.5).
     */
    record PrOut(Nexus nexus, long tag, org.scstj.engine.pr.PrOut out) implements ControlOp {
    }

    /** SPC-2 7.21 RESERVE(6) / (10) from {@code nexus}. */
    record Reserve(Nexus nexus) implements ControlOp {
    }

    /** SPC-2 7.17 RELEASE(6) / (10) from {@code nexus}. */
    record Release(Nexus nexus) implements ControlOp {
    }

    /**
     * SPC-5 6.11 / 6.12 MODE SELECT from {@code nexus}: the current values become {@code values};
     * with {@code save} (SP 1, SPC-5 7.5.2) they are saved first and current once durable.
     * {@code before} is the LU's current and saved values on the asking node, which a writer that
     * keeps no mode values of the LU yet starts from.
     */
    record ModeSelect(Nexus nexus, ModeParameters.Values values, boolean save, ModeParameters.Data before)
            implements ControlOp {
    }

    /**
     * SPC-5 6.47 SET TARGET PORT GROUPS from {@code nexus}: the checked new access state of each
     * target port group named.
     */
    record SetTargetPortGroups(Nexus nexus, Map<Integer, AccessState> states) implements ControlOp {
        public SetTargetPortGroups {
            states = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(states));
        }
    }

    /**
     * A logical unit reset or a target reset (SAM-5 6.3, SPC-2 5.5.1): the SPC-2 reservation ends;
     * with {@code restoreMode} the current mode parameters become the saved ones (SPC-5 7.5.2; a
     * pass-through device restores its own), which are {@code restored} on the asking node (null
     * without {@code restoreMode}).
     */
    record Reset(boolean restoreMode, ModeParameters.Data restored) implements ControlOp {
    }

    /**
     * SAM-5 7.5 CLEAR TASK SET from {@code nexus} with one task set for all I_T nexuses (TST 000b):
     * the asking LUN actor cleared its own tasks and raised COMMANDS CLEARED BY ANOTHER INITIATOR
     * (2F/00) for the other nexuses it hit; the LU's tasks elsewhere (other nodes) go too.
     */
    record ClearTaskSet(Nexus nexus) implements ControlOp {
    }

    /** The I_T nexus {@code nexus} is gone or was reset (SPC-2 5.5.1): its SPC-2 reservation ends. */
    record NexusLost(Nexus nexus) implements ControlOp {
    }
}
