package org.scstj.engine.commands;

import static org.scstj.engine.cdb.DataDirection.IN;
import static org.scstj.engine.cdb.DataDirection.NONE;
import static org.scstj.engine.cdb.DataDirection.OUT;
import static org.scstj.engine.exec.CommandRow.Timeout.CONTROL;
import static org.scstj.engine.exec.CommandRow.Timeout.MEDIUM;
import static org.scstj.engine.exec.CommandRow.Timeout.WHOLE_MEDIUM_OVERWRITE;
import static org.scstj.engine.exec.CommandRow.Timeout.WHOLE_MEDIUM_PASS;
import static org.scstj.engine.exec.CommandRow.WholeMedium.AFTER_FAILURE;
import static org.scstj.engine.exec.CommandRow.row;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.cdb.CdbDecoder;
import org.scstj.engine.cdb.Decoded;
import org.scstj.engine.cdb.Opcodes;
import org.scstj.engine.exec.CommandRow;
import org.scstj.engine.lu.WholeMediumState;
import org.scstj.engine.pr.ReservationClass;
import org.scstj.engine.sbc.CompareAndWriteOp;
import org.scstj.engine.sbc.FormatUnit;
import org.scstj.engine.sbc.GetLbaStatus;
import org.scstj.engine.sbc.OrWriteOp;
import org.scstj.engine.sbc.PreFetch;
import org.scstj.engine.sbc.PreventAllowMediumRemoval;
import org.scstj.engine.sbc.ReadCapacity;
import org.scstj.engine.sbc.ReadDefectData;
import org.scstj.engine.sbc.ReadOp;
import org.scstj.engine.sbc.Sanitize;
import org.scstj.engine.sbc.StartStopUnit;
import org.scstj.engine.sbc.SynchronizeCache;
import org.scstj.engine.sbc.UnmapOp;
import org.scstj.engine.sbc.VerifyOp;
import org.scstj.engine.sbc.WriteOp;
import org.scstj.engine.sbc.WriteSameOp;

import java.util.List;
import java.util.function.Function;

/**
 * SBC-4's commands, a disk's (peripheral device type 00h) besides SPC-5's: one {@link CommandRow}
 * each. The reservation classes are SBC-4 4.17's table (reads and writes of the medium).
 */
public final class SbcCommands {
    private SbcCommands() {
    }

    public static final List<CommandRow> ROWS = List.of(
            row("FORMAT UNIT", Opcodes.FORMAT_UNIT, OUT)
                    .usage(0xFF, 0x3F, 0x00, 0x00, 0x00, 0x00).parser(CdbDecoder::formatUnit)
                    .runs(Cdb.FormatUnit.class, FormatUnit::execute)
                    .reservation(ReservationClass.WRITE).writesMedium().needsMedium()
                    .wholeMedium(WholeMediumState.Kind.FORMAT).duringWholeMedium(AFTER_FAILURE).timeout(WHOLE_MEDIUM_PASS).build(),
            read("READ(6)", Opcodes.READ_6, CdbDecoder::read6, 0xFF, 0x1F, 0xFF, 0xFF, 0xFF, 0x00),
            write("WRITE(6)", Opcodes.WRITE_6, CdbDecoder::write6, 0xFF, 0x1F, 0xFF, 0xFF, 0xFF, 0x00),
            row("START STOP UNIT", Opcodes.START_STOP_UNIT, NONE)
                    .usage(0xFF, 0x01, 0x00, 0x0F, 0xF7, 0x00).parser(CdbDecoder::startStopUnit)
                    .runs(Cdb.StartStopUnit.class, StartStopUnit::execute)
                    .reservation(ReservationClass.WRITE)
                    // SBC-4 5.25: only LOEJ 1 moves the medium every nexus shares (no power condition changes)
                    .sharedState(cdb -> ((Cdb.StartStopUnit) cdb).loej()).timeout(MEDIUM).build(),
            row("PREVENT ALLOW MEDIUM REMOVAL", Opcodes.PREVENT_ALLOW_MEDIUM_REMOVAL, NONE)
                    .usage(0xFF, 0x00, 0x00, 0x00, 0x03, 0x00).parser(CdbDecoder::preventAllowMediumRemoval)
                    .answers(Cdb.PreventAllowMediumRemoval.class, PreventAllowMediumRemoval::execute)
                    // SPC-2 5.5.1 and SPC-5 5.14.3: PREVENT 00b is allowed under any reservation, 01b is not
                    .underSpc2Reservation(cdb -> !((Cdb.PreventAllowMediumRemoval) cdb).prevent())
                    .reservation(cdb -> ((Cdb.PreventAllowMediumRemoval) cdb).prevent()
                            ? ReservationClass.WRITE : ReservationClass.ALLOWED)
                    .timeout(MEDIUM).build(),
            row("READ CAPACITY(10)", Opcodes.READ_CAPACITY_10, IN)
                    .usage(0xFF, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x01, 0x00).parser(CdbDecoder::readCapacity10)
                    .answers(Cdb.ReadCapacity10.class, (cdb, ctx) -> ReadCapacity.execute10(ctx))
                    .reservation(ReservationClass.ALLOWED).needsMedium().timeout(CONTROL).build(),
            read("READ(10)", Opcodes.READ_10, CdbDecoder::read10,
                    0xFF, 0x1A, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0xFF, 0xFF, 0x00),
            write("WRITE(10)", Opcodes.WRITE_10, CdbDecoder::write10,
                    0xFF, 0x1A, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0xFF, 0xFF, 0x00),
            writeAndVerify("WRITE AND VERIFY(10)", Opcodes.WRITE_AND_VERIFY_10, CdbDecoder::writeAndVerify10,
                    0xFF, 0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0xFF, 0xFF, 0x00),
            verify("VERIFY(10)", Opcodes.VERIFY_10, CdbDecoder::verify10,
                    0xFF, 0x16, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0xFF, 0xFF, 0x00),
            preFetch("PRE-FETCH(10)", Opcodes.PRE_FETCH_10, CdbDecoder::preFetch10,
                    0xFF, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0xFF, 0xFF, 0x00),
            synchronizeCache("SYNCHRONIZE CACHE(10)", Opcodes.SYNCHRONIZE_CACHE_10, CdbDecoder::synchronizeCache10,
                    0xFF, 0x06, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0xFF, 0xFF, 0x00),
            readDefectData("READ DEFECT DATA(10)", Opcodes.READ_DEFECT_DATA_10, CdbDecoder::readDefectData10,
                    0xFF, 0x00, 0x1F, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00),
            writeSame("WRITE SAME(10)", Opcodes.WRITE_SAME_10, CdbDecoder::writeSame10,
                    0xFF, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0xFF, 0xFF, 0x00),
            row("UNMAP", Opcodes.UNMAP, OUT)
                    .usage(0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1F, 0xFF, 0xFF, 0x00).parser(CdbDecoder::unmap)
                    .runs(Cdb.Unmap.class, UnmapOp::execute)
                    .reservation(ReservationClass.WRITE).writesMedium().needsMedium().thinOnly().timeout(MEDIUM).build(),
            sanitize("SANITIZE OVERWRITE", Opcodes.SA_SANITIZE_OVERWRITE, OUT).writesMedium().needsMedium()
                    .wholeMedium(WholeMediumState.Kind.SANITIZE).timeout(WHOLE_MEDIUM_OVERWRITE).build(),
            sanitize("SANITIZE BLOCK ERASE", Opcodes.SA_SANITIZE_BLOCK_ERASE, NONE).writesMedium().needsMedium()
                    .wholeMedium(WholeMediumState.Kind.SANITIZE).thinOnly().timeout(WHOLE_MEDIUM_PASS).build(),
            sanitize("SANITIZE CRYPTOGRAPHIC ERASE", Opcodes.SA_SANITIZE_CRYPTOGRAPHIC_ERASE, NONE).writesMedium()
                    .needsMedium().wholeMedium(WholeMediumState.Kind.SANITIZE).timeout(WHOLE_MEDIUM_PASS).build(),
            sanitize("SANITIZE EXIT FAILURE MODE", Opcodes.SA_SANITIZE_EXIT_FAILURE_MODE, NONE).timeout(CONTROL).build(),
            read("READ(16)", Opcodes.READ_16, CdbDecoder::read16,
                    0xFF, 0x1A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x00),
            row("COMPARE AND WRITE", Opcodes.COMPARE_AND_WRITE, OUT)
                    .usage(0xFF, 0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0xFF, 0x1F, 0x00)
                    .parser(CdbDecoder::compareAndWrite).runs(Cdb.CompareAndWrite.class, CompareAndWriteOp::execute)
                    .reservation(ReservationClass.WRITE).writesMedium().needsMedium().exclusiveBlocks()
                    .timeout(MEDIUM).build(),
            write("WRITE(16)", Opcodes.WRITE_16, CdbDecoder::write16,
                    0xFF, 0x1A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x00),
            row("ORWRITE(16)", Opcodes.ORWRITE_16, OUT)
                    .usage(0xFF, 0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x00)
                    .parser(CdbDecoder::orWrite16).runs(Cdb.OrWrite.class, OrWriteOp::execute)
                    .reservation(ReservationClass.WRITE).writesMedium().needsMedium().exclusiveBlocks()
                    .timeout(MEDIUM).build(),
            writeAndVerify("WRITE AND VERIFY(16)", Opcodes.WRITE_AND_VERIFY_16, CdbDecoder::writeAndVerify16,
                    0xFF, 0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x00),
            verify("VERIFY(16)", Opcodes.VERIFY_16, CdbDecoder::verify16,
                    0xFF, 0x16, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x00),
            preFetch("PRE-FETCH(16)", Opcodes.PRE_FETCH_16, CdbDecoder::preFetch16,
                    0xFF, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x00),
            synchronizeCache("SYNCHRONIZE CACHE(16)", Opcodes.SYNCHRONIZE_CACHE_16, CdbDecoder::synchronizeCache16,
                    0xFF, 0x06, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x00),
            writeSame("WRITE SAME(16)", Opcodes.WRITE_SAME_16, CdbDecoder::writeSame16,
                    0xFF, 0x09, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x00),
            row("WRITE ATOMIC(16)", Opcodes.WRITE_ATOMIC_16, OUT)
                    .usage(0xFF, 0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0xFF, 0xFF, 0x1F, 0x00)
                    .parser(CdbDecoder::writeAtomic16).runs(Cdb.WriteAtomic.class, WriteOp::execute)
                    .reservation(ReservationClass.WRITE).writesMedium().needsMedium().exclusiveBlocks()
                    .timeout(MEDIUM).build(),
            row("READ CAPACITY(16)", Opcodes.SERVICE_ACTION_IN_16, Opcodes.SA_READ_CAPACITY_16, IN)
                    .usage(0xFF, 0x1F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00)
                    .parser(CdbDecoder::readCapacity16).answers(Cdb.ReadCapacity16.class, ReadCapacity::execute16)
                    .reservation(ReservationClass.ALLOWED).needsMedium().timeout(CONTROL).build(),
            row("GET LBA STATUS", Opcodes.SERVICE_ACTION_IN_16, Opcodes.SA_GET_LBA_STATUS, IN)
                    .usage(0xFF, 0x1F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00)
                    .parser(CdbDecoder::getLbaStatus).runs(Cdb.GetLbaStatus.class, GetLbaStatus::execute)
                    .reservation(ReservationClass.READ).needsMedium().timeout(MEDIUM).build(),
            read("READ(12)", Opcodes.READ_12, CdbDecoder::read12,
                    0xFF, 0x1A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x00),
            write("WRITE(12)", Opcodes.WRITE_12, CdbDecoder::write12,
                    0xFF, 0x1A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x00),
            writeAndVerify("WRITE AND VERIFY(12)", Opcodes.WRITE_AND_VERIFY_12, CdbDecoder::writeAndVerify12,
                    0xFF, 0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x00),
            verify("VERIFY(12)", Opcodes.VERIFY_12, CdbDecoder::verify12,
                    0xFF, 0x16, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0x00),
            readDefectData("READ DEFECT DATA(12)", Opcodes.READ_DEFECT_DATA_12, CdbDecoder::readDefectData12,
                    0xFF, 0x1F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00));

    // --- rows of one shape, several CDB lengths ------------------------------------------------

    /** SBC-4 5.14-5.17 READ: reads the medium. */
    private static CommandRow read(String name, int opcode, Function<byte[], Decoded> parser, int... usage) {
        return row(name, opcode, IN).usage(usage).parser(parser).runs(Cdb.Read.class, ReadOp::execute)
                .reservation(ReservationClass.READ).needsMedium().timeout(MEDIUM).build();
    }

    /** SBC-4 5.38-5.41 WRITE: changes the medium. */
    private static CommandRow write(String name, int opcode, Function<byte[], Decoded> parser, int... usage) {
        return row(name, opcode, OUT).usage(usage).parser(parser).runs(Cdb.Write.class, WriteOp::execute)
                .reservation(ReservationClass.WRITE).writesMedium().needsMedium().timeout(MEDIUM).build();
    }

    /** SBC-4 5.42-5.44 WRITE AND VERIFY. */
    private static CommandRow writeAndVerify(String name, int opcode, Function<byte[], Decoded> parser, int... usage) {
        return row(name, opcode, OUT).usage(usage).parser(parser).runs(Cdb.WriteAndVerify.class, WriteOp::execute)
                .reservation(ReservationClass.WRITE).writesMedium().needsMedium().timeout(MEDIUM).build();
    }

    /** SBC-4 5.34-5.36 VERIFY: reads the medium (BYTCHK compares with the Data-Out). */
    private static CommandRow verify(String name, int opcode, Function<byte[], Decoded> parser, int... usage) {
        return row(name, opcode, OUT).usage(usage).parser(parser).runs(Cdb.Verify.class, VerifyOp::execute)
                .reservation(ReservationClass.READ).needsMedium().timeout(MEDIUM).build();
    }

    /** SBC-4 5.9, 5.10 PRE-FETCH: a read-ahead hint. */
    private static CommandRow preFetch(String name, int opcode, Function<byte[], Decoded> parser, int... usage) {
        return row(name, opcode, NONE).usage(usage).parser(parser).answers(Cdb.PreFetch.class, PreFetch::execute)
                .reservation(ReservationClass.READ).needsMedium().timeout(MEDIUM).build();
    }

    /** SBC-4 5.26, 5.27 SYNCHRONIZE CACHE. */
    private static CommandRow synchronizeCache(String name, int opcode, Function<byte[], Decoded> parser, int... usage) {
        return row(name, opcode, NONE).usage(usage).parser(parser)
                .runs(Cdb.SynchronizeCache.class, SynchronizeCache::execute)
                .reservation(ReservationClass.WRITE).needsMedium().timeout(MEDIUM).build();
    }

    /** SBC-4 5.18, 5.19 READ DEFECT DATA: an empty list. */
    private static CommandRow readDefectData(String name, int opcode, Function<byte[], Decoded> parser, int... usage) {
        return row(name, opcode, IN).usage(usage).parser(parser)
                .answers(Cdb.ReadDefectData.class, ReadDefectData::execute)
                .reservation(ReservationClass.READ).needsMedium().timeout(MEDIUM).build();
    }

    /** SBC-4 5.45, 5.46 WRITE SAME (with UNMAP on a thin LU). */
    private static CommandRow writeSame(String name, int opcode, Function<byte[], Decoded> parser, int... usage) {
        return row(name, opcode, OUT).usage(usage).parser(parser).runs(Cdb.WriteSame.class, WriteSameOp::execute)
                .reservation(ReservationClass.WRITE).writesMedium().needsMedium().timeout(MEDIUM).build();
    }

    /** SBC-4 5.30 SANITIZE, one row per service action. */
    private static CommandRow.Builder sanitize(String name, int serviceAction, org.scstj.engine.cdb.DataDirection d) {
        return row(name, Opcodes.SANITIZE, serviceAction, d)
                .usage(0xFF, 0xBF, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00).parser(CdbDecoder::sanitize)
                .runs(Cdb.Sanitize.class, Sanitize::execute)
                .reservation(ReservationClass.WRITE).duringWholeMedium(AFTER_FAILURE);
    }
}
