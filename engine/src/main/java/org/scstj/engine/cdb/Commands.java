package org.scstj.engine.cdb;

import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.sbc.CompareAndWriteOp;
import org.scstj.engine.sbc.GetLbaStatus;
import org.scstj.engine.sbc.OrWriteOp;
import org.scstj.engine.sbc.PreFetch;
import org.scstj.engine.sbc.PreventAllowMediumRemoval;
import org.scstj.engine.sbc.ReadCapacity;
import org.scstj.engine.sbc.ReadDefectData;
import org.scstj.engine.sbc.ReadOp;
import org.scstj.engine.sbc.StartStopUnit;
import org.scstj.engine.sbc.SynchronizeCache;
import org.scstj.engine.sbc.UnmapOp;
import org.scstj.engine.sbc.VerifyOp;
import org.scstj.engine.sbc.WriteOp;
import org.scstj.engine.sbc.WriteSameOp;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.xcopy.ExtendedCopy;
import org.scstj.engine.sbc.FormatUnit;
import org.scstj.engine.sbc.Sanitize;
import org.scstj.engine.spc.LogSense;
import org.scstj.engine.spc.ReportSupportedTaskManagementFunctions;
import org.scstj.engine.spc.InquiryData;
import org.scstj.engine.spc.ModeSelect;
import org.scstj.engine.spc.ModeSense;
import org.scstj.engine.xcopy.ReceiveCopyResults;
import org.scstj.engine.spc.ReportLuns;
import org.scstj.engine.spc.ReportSupportedOperationCodes;
import org.scstj.engine.spc.RequestSense;
import org.scstj.engine.spi.ScsiResponse;

/**
 * The exec stage: one entry point from a decoded command to its SPC / SBC implementation.
 *
 * <p>{@link #execute} calls {@code ctx.complete} exactly once: at once for control commands, or
 * later from the device's thread for READ / WRITE / VERIFY / SYNCHRONIZE CACHE. It never throws
 * for a SCSI error; every failure is a CHECK CONDITION in the sense format of
 * {@code ctx.lu().descriptorSense()}.
 *
 * <p>What the LUN actor does before calling it (SAM-5 5.14 order): LUN mapped, unit attention,
 * reservation conflict, write protect (via {@link CommandTable.Row}). REQUEST SENSE with a pending
 * unit attention is the LUN actor's to answer ({@link RequestSense#respond}); here it reports
 * NO SENSE. REPORT LUNS belongs to the session actor ({@link ReportLuns#respond}); if it arrives
 * here, only the addressed LUN is reported.
 *
 * <p>Before dispatching: a command whose row {@linkplain CommandTable.Row#needsMedium needs the
 * medium} ends in NOT READY, MEDIUM NOT PRESENT (3A/00) while the LU's removable medium is
 * ejected (SBC-4 5.25; SPC-5 6.47 for TEST UNIT READY). scstj models no tray, so never 3A/02.
 */
public final class Commands {
    private Commands() {
    }

    public static void execute(Cdb cdb, ExecContext ctx) {
        if (!ctx.lu().medium().present() && cdb.row().needsMedium()) {
            ctx.complete(Failure.of(SenseReason.MEDIUM_NOT_PRESENT).toResponse(ctx.lu().descriptorSense()));
            return;
        }
        int edtl = ctx.task().expectedDataTransferLength();
        switch (cdb) {
            case Cdb.TestUnitReady t -> ctx.complete(ScsiResponse.good(null, 0));
            case Cdb.RequestSense r -> ctx.complete(RequestSense.noSense(r, edtl));
            case Cdb.Inquiry i -> ctx.complete(InquiryData.execute(i, ctx));
            case Cdb.ReportLuns r -> ctx.complete(ReportLuns.respond(r, new int[] {ctx.lu().lun()}, edtl));
            case Cdb.ReportSupportedOperationCodes r -> ctx.complete(ReportSupportedOperationCodes.execute(r, ctx));
            case Cdb.ModeSense m -> ctx.complete(ModeSense.execute(m, ctx));
            case Cdb.ModeSelect m -> ModeSelect.execute(m, ctx);
            case Cdb.ReadCapacity10 r -> ctx.complete(ReadCapacity.execute10(ctx));
            case Cdb.ReadCapacity16 r -> ctx.complete(ReadCapacity.execute16(r, ctx));
            case Cdb.Read r -> ReadOp.execute(r, ctx);
            case Cdb.Write w -> WriteOp.execute(w, ctx);
            case Cdb.WriteAndVerify w -> WriteOp.execute(w, ctx);
            case Cdb.Verify v -> VerifyOp.execute(v, ctx);
            case Cdb.SynchronizeCache s -> SynchronizeCache.execute(s, ctx);
            case Cdb.PreFetch p -> ctx.complete(PreFetch.execute(p, ctx));
            case Cdb.ReadDefectData r -> ctx.complete(ReadDefectData.execute(r, ctx));
            case Cdb.OrWrite o -> OrWriteOp.execute(o, ctx);
            case Cdb.Unmap u -> UnmapOp.execute(u, ctx);
            case Cdb.GetLbaStatus g -> GetLbaStatus.execute(g, ctx);
            case Cdb.WriteSame w -> WriteSameOp.execute(w, ctx);
            case Cdb.CompareAndWrite c -> CompareAndWriteOp.execute(c, ctx);
            case Cdb.WriteAtomic w -> WriteOp.execute(w, ctx);
            case Cdb.StartStopUnit s -> StartStopUnit.execute(s, ctx);
            case Cdb.PreventAllowMediumRemoval p -> ctx.complete(PreventAllowMediumRemoval.execute(p, ctx));
            case Cdb.ExtendedCopy x -> ExtendedCopy.execute(x, ctx);
            case Cdb.ReceiveCopyResults r -> ctx.complete(ReceiveCopyResults.execute(r, ctx));
            case Cdb.FormatUnit f -> FormatUnit.execute(f, ctx);
            case Cdb.Sanitize s -> Sanitize.execute(s, ctx);
            case Cdb.LogSense l -> ctx.complete(LogSense.execute(l, ctx));
            case Cdb.ReportSupportedTaskManagementFunctions r ->
                    ctx.complete(ReportSupportedTaskManagementFunctions.execute(r, ctx));
            case Cdb.Reserve r -> ctx.complete(org.scstj.engine.spc.ReserveRelease.reserve(r, ctx));
            case Cdb.Release r -> ctx.complete(org.scstj.engine.spc.ReserveRelease.release(r, ctx));
            case Cdb.PersistentReserveIn p -> ctx.complete(org.scstj.engine.spc.PersistentReserveIn.execute(p, ctx));
            case Cdb.PersistentReserveOut p -> org.scstj.engine.spc.PersistentReserveOut.execute(p, ctx);
        }
    }
}
