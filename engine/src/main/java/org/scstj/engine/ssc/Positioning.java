package org.scstj.engine.ssc;

import static org.scstj.engine.cdb.BigEndian.put32;
import static org.scstj.engine.cdb.BigEndian.put64;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.lu.MediumState;
import org.scstj.engine.lu.TapeState;
import org.scstj.engine.sbc.IoFailures;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spc.AllocationLength;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.TapeMedium;

/**
 * Where the drive is, and moving it: SPACE(6/16), LOCATE(10/16), REWIND, READ POSITION, ERASE,
 * LOAD UNLOAD (SSC-3 7). The position is a logical object identifier (SSC-3 4.2.6): records and
 * filemarks count alike, 0 is the beginning of the partition, the object count is end of data.
 * Each runs in its turn ({@link Tape#inTurn}); IMMED is accepted and status returned once done.
 */
public final class Positioning {
    private Positioning() {
    }

    /**
     * SSC-3 SPACE. Logical blocks forward stop at a filemark (positioned after it: FILEMARK,
     * FILEMARK DETECTED) or end of data (BLANK CHECK, END-OF-DATA DETECTED); backward at a filemark
     * (positioned before it: FILEMARK) or the beginning of the partition (NO SENSE, EOM,
     * BEGINNING-OF-PARTITION/MEDIUM DETECTED). Filemarks forward end after the COUNTth, at end of
     * data if fewer follow; backward before the COUNTth, at the beginning if fewer precede. End of
     * data: positioned there. INFORMATION = COUNT minus what was spaced over. COUNT 0 moves nothing.
     */
    public static void space(Cdb.Space cdb, ExecContext ctx) {
        Tape.inTurn(ctx, (tape, medium) -> Tape.finish(ctx, space(cdb, ctx, tape, medium)));
    }

    private static ScsiResponse space(Cdb.Space cdb, ExecContext ctx, TapeState tape, TapeMedium medium) {
        long p = tape.position();
        long end = medium.objectCount();
        long count = cdb.count();
        switch (cdb.code()) {
            case Cdb.Space.END_OF_DATA -> {
                tape.position(end);
                return ScsiResponse.good(null, 0);
            }
            case Cdb.Space.BLOCKS -> {
                if (count >= 0) {
                    long mark = medium.nextFilemark(p);
                    long available = (mark < 0 ? end : mark) - p;
                    if (count <= available) {
                        tape.position(p + count);
                        return ScsiResponse.good(null, 0);
                    }
                    if (mark >= 0) {
                        tape.position(mark + 1);
                        return Tape.condition(ctx, SenseReason.FILEMARK_DETECTED, Failure.FILEMARK, count - available, null, 0);
                    }
                    tape.position(end);
                    return Tape.condition(ctx, SenseReason.END_OF_DATA_DETECTED, 0, count - available, null, 0);
                }
                long wanted = -count;
                long mark = medium.previousFilemark(p);
                long available = p - (mark < 0 ? 0 : mark + 1);
                if (wanted <= available) {
                    tape.position(p - wanted);
                    return ScsiResponse.good(null, 0);
                }
                if (mark >= 0) {
                    tape.position(mark);
                    return Tape.condition(ctx, SenseReason.FILEMARK_DETECTED, Failure.FILEMARK, wanted - available, null, 0);
                }
                tape.position(0);
                return Tape.condition(ctx, SenseReason.BEGINNING_OF_PARTITION_MEDIUM_DETECTED, Failure.EOM,
                        wanted - available, null, 0);
            }
            default -> {
                if (count >= 0) {
                    long at = p;
                    for (long done = 0; done < count; done++) {
                        long mark = medium.nextFilemark(at);
                        if (mark < 0) {
                            tape.position(end);
                            return Tape.condition(ctx, SenseReason.END_OF_DATA_DETECTED, 0, count - done, null, 0);
                        }
                        at = mark + 1;
                    }
                    tape.position(at);
                    return ScsiResponse.good(null, 0);
                }
                long at = p;
                for (long done = 0; done < -count; done++) {
                    long mark = medium.previousFilemark(at);
                    if (mark < 0) {
                        tape.position(0);
                        return Tape.condition(ctx, SenseReason.BEGINNING_OF_PARTITION_MEDIUM_DETECTED, Failure.EOM,
                                -count - done, null, 0);
                    }
                    at = mark;
                }
                tape.position(at);
                return ScsiResponse.good(null, 0);
            }
        }
    }

    /**
     * SSC-3 LOCATE(10/16): to a logical object, to the start of a logical file (after its
     * filemark), or to end of data. Only partition 0 exists (CP with another: INVALID FIELD IN CDB).
     * A target past end of data positions at end of data: BLANK CHECK, END-OF-DATA DETECTED.
     */
    public static void locate(Cdb.Locate cdb, ExecContext ctx) {
        if (cdb.changePartition() && cdb.partition() != 0) {
            ctx.complete(Tape.refuse(ctx, Failure.invalidFieldInCdb(cdb.opcode() == 0x2B ? 8 : 3)));
            return;
        }
        Tape.inTurn(ctx, (tape, medium) -> {
            long end = medium.objectCount();
            long target = switch (cdb.destType()) {
                case Cdb.Locate.END_OF_DATA -> end;
                case Cdb.Locate.FILE -> fileStart(medium, cdb.target());
                default -> cdb.target();
            };
            if (target < 0 || target > end) {
                tape.position(end);
                Tape.finish(ctx, Tape.refuse(ctx, Failure.of(SenseReason.END_OF_DATA_DETECTED)));
                return;
            }
            tape.position(target);
            Tape.finish(ctx, ScsiResponse.good(null, 0));
        });
    }

    /** The first object of logical file {@code file} (after its {@code file}th filemark), or -1 when it does not exist. */
    private static long fileStart(TapeMedium medium, long file) {
        long at = 0;
        for (long f = 0; f < file; f++) {
            long mark = medium.nextFilemark(at);
            if (mark < 0) {
                return -1;
            }
            at = mark + 1;
        }
        return at;
    }

    /** SSC-3 REWIND: to the beginning of the partition. */
    public static void rewind(Cdb.Rewind cdb, ExecContext ctx) {
        Tape.inTurn(ctx, (tape, medium) -> {
            tape.rewound();
            Tape.finish(ctx, ScsiResponse.good(null, 0));
        });
    }

    /** SSC-3 ERASE: everything from the position on; end of data is then here. */
    public static void erase(Cdb.Erase cdb, ExecContext ctx) {
        Tape.inTurn(ctx, (tape, medium) -> {
            try {
                medium.erase(tape.position(), new BlockDevice.Completion() {
                    @Override
                    public void completed() {
                        Tape.finish(ctx, ScsiResponse.good(null, 0));
                    }

                    @Override
                    public void failed(BlockDevice.IoFailure failure, Throwable cause) {
                        Tape.finish(ctx, Tape.refuse(ctx, Failure.of(IoFailures.reason(failure, true))));
                    }
                });
            } catch (RuntimeException e) {
                Tape.finish(ctx, Tape.refuse(ctx, Failure.of(SenseReason.INTERNAL_TARGET_FAILURE)));
            }
        });
    }

    /**
     * SSC-3 READ POSITION. Short form (00h, 01h; 20 bytes): BOP, EOP (past early warning), the
     * position as first and last object location (nothing is buffered), PERR when it does not fit 32
     * bits. Long form (06h; 32 bytes): BOP, EOP, partition 0, the logical object number and the
     * logical file identifier (the filemarks before the position). Extended form (08h; 32 bytes):
     * the short form's fields in 64 bits.
     */
    public static void readPosition(Cdb.ReadPosition cdb, ExecContext ctx) {
        Tape.inTurn(ctx, (tape, medium) -> {
            long p = tape.position();
            boolean bop = p == 0;
            boolean eop = Tape.pastEarlyWarning(medium) && p >= medium.objectCount();
            byte[] d;
            switch (cdb.serviceAction()) {
                case 0x06 -> {
                    d = new byte[32];
                    d[0] = (byte) ((bop ? 0x80 : 0) | (eop ? 0x40 : 0));
                    put64(d, 8, p);
                    put64(d, 16, medium.filemarksBefore(p));
                }
                case 0x08 -> {
                    d = new byte[32];
                    d[0] = (byte) ((bop ? 0x80 : 0) | (eop ? 0x40 : 0));
                    d[3] = 0x1C;                               // ADDITIONAL LENGTH
                    put64(d, 8, p);                            // FIRST LOGICAL OBJECT LOCATION
                    put64(d, 16, p);                           // LAST LOGICAL OBJECT LOCATION
                }
                default -> {
                    d = new byte[20];
                    boolean perr = p > 0xFFFF_FFFFL;
                    d[0] = (byte) ((bop ? 0x80 : 0) | (eop ? 0x40 : 0) | (perr ? 0x02 : 0));
                    if (!perr) {
                        put32(d, 4, p);
                        put32(d, 8, p);
                    }
                }
            }
            int allocation = cdb.serviceAction() < 0x06 ? d.length : cdb.allocationLength();
            Tape.finish(ctx, AllocationLength.respond(d, d.length, allocation, ctx.task().expectedDataTransferLength()));
        });
    }

    /**
     * SSC-3 LOAD UNLOAD. LOAD 1 threads the cartridge in the drive (NOT READY, MEDIUM NOT PRESENT
     * when there is none) at the beginning of the partition; LOAD 0 rewinds and unloads it (with
     * HOLD it stays threaded): medium commands then get NOT READY until a LOAD, and the medium
     * changer may take the cartridge away. Unloading while an I_T nexus prevents medium removal is
     * MEDIUM REMOVAL PREVENTED (SSC-3 7.? , SPC-5 5.14 PREVENT ALLOW MEDIUM REMOVAL).
     */
    public static void loadUnload(Cdb.LoadUnload cdb, ExecContext ctx) {
        TapeState tape = ctx.state().tape();
        tape.run(() -> {
            MediumState medium = ctx.state().medium();
            if (ctx.aborted()) {
                Tape.finish(ctx, ScsiResponse.good(null, 0));
                return;
            }
            if (!medium.loaded()) {
                Tape.finish(ctx, Tape.refuse(ctx, Failure.of(medium.notPresent())));
                return;
            }
            tape.rewound();
            if (cdb.hold()) {
                Tape.finish(ctx, ScsiResponse.good(null, 0));
                return;
            }
            MediumState.Result r = cdb.load() ? medium.load(ctx.lu().nexus()) : medium.eject(ctx.lu().nexus());
            if (r == MediumState.Result.REMOVAL_PREVENTED) {
                Tape.finish(ctx, Tape.refuse(ctx, Failure.of(SenseReason.MEDIUM_REMOVAL_PREVENTED)));
                return;
            }
            if (r == MediumState.Result.MOVED && cdb.load()) {
                // SPC-5 table of ASCs: the others learn that the medium may have changed
                ctx.state().unitAttentions().establishForAllBut(ctx.lu().nexus(),
                        SenseReason.NOT_READY_TO_READY_CHANGE_MEDIUM_MAY_HAVE_CHANGED);
            }
            Tape.finish(ctx, ScsiResponse.good(null, 0));
        });
    }
}
