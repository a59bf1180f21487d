package org.scstj.engine.spc;

import org.scstj.engine.alua.AluaState;
import org.scstj.engine.alua.TargetPortGroup;
import org.scstj.engine.cdb.BigEndian;
import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.spi.ScsiResponse;

/**
 * SPC-5 6.37 REPORT TARGET PORT GROUPS: one target port group descriptor per group of the LU,
 * after the length-only (PARAMETER DATA FORMAT 000b) or the extended header (001b, with the
 * IMPLICIT TRANSITION TIME). Runs in the exec stage's entry, on the LUN actor's thread, which owns
 * the states.
 */
public final class ReportTargetPortGroups {
    /**
     * SPC-5 6.37 byte 1 of a target port group descriptor: T_SUP (transitioning), U_SUP, S_SUP,
     * AN_SUP, AO_SUP; not O_SUP (offline) nor LBD_SUP (logical block dependent).
     */
    static final int SUPPORTED_STATES = 0x80 | 0x08 | 0x04 | 0x02 | 0x01;

    private ReportTargetPortGroups() {
    }

    public static ScsiResponse execute(Cdb.ReportTargetPortGroups cdb, ExecContext ctx) {
        byte[] data = parameterData(ctx.state().alua(), cdb.extended());
        return AllocationLength.respond(data, data.length, cdb.allocationLength(),
                ctx.task().expectedDataTransferLength());
    }

    /** The whole parameter data (before the allocation length truncates it). */
    public static byte[] parameterData(AluaState alua, boolean extended) {
        int length = extended ? 8 : 4;
        for (TargetPortGroup g : alua.groups()) {
            length += 8 + 4 * g.relativeTargetPortIds().length;
        }
        byte[] d = new byte[length];
        BigEndian.put32(d, 0, length - 4); // RETURN DATA LENGTH: the bytes after it
        int at = 4;
        if (extended) {
            d[4] = 0x10;                                   // FORMAT TYPE 001b (bits 6:4)
            d[5] = (byte) alua.implicitTransitionSeconds(); // IMPLICIT TRANSITION TIME
            at = 8;
        }
        for (TargetPortGroup g : alua.groups()) {
            int[] ports = g.relativeTargetPortIds();
            d[at] = (byte) ((g.preferred() ? 0x80 : 0) | g.state().code());
            d[at + 1] = (byte) SUPPORTED_STATES;
            BigEndian.put16(d, at + 2, g.id());
            d[at + 5] = (byte) g.statusCode();
            d[at + 7] = (byte) ports.length;               // TARGET PORT COUNT
            at += 8;
            for (int port : ports) {                        // target port descriptor: RELATIVE TARGET PORT IDENTIFIER
                BigEndian.put16(d, at + 2, port);
                at += 4;
            }
        }
        return d;
    }
}
