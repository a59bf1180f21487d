package org.scstj.engine.smc;

import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.exec.ExecContext;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.FieldPointer;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.MediumChanger;
import org.scstj.engine.spi.ScsiResponse;

/**
 * Moving cartridges: MOVE MEDIUM and EXCHANGE MEDIUM (through the changer's one robot, in order),
 * POSITION TO ELEMENT, INITIALIZE ELEMENT STATUS (with and without range) and OPEN/CLOSE
 * IMPORT/EXPORT ELEMENT (SMC-3 6). A transport element address must be the robot's or 0 (the
 * default transport); every other address must name an element of the right kind, else ILLEGAL
 * REQUEST, INVALID ELEMENT ADDRESS (21/01). A move into a drive loads the cartridge there, and out
 * of a drive unloads it: the drive's nexuses see the medium change.
 */
public final class Moves {
    private Moves() {
    }

    public static void move(Cdb.MoveMedium cdb, ExecContext ctx) {
        MediumChanger changer = ctx.lu().device().changer();
        Failure bad = transport(changer, cdb.transport(), 2);
        if (bad != null) {
            ctx.complete(bad.toResponse(ctx.lu().descriptorSense()));
            return;
        }
        changer.move(cdb.source(), cdb.destination(), completion(ctx));
    }

    public static void exchange(Cdb.ExchangeMedium cdb, ExecContext ctx) {
        MediumChanger changer = ctx.lu().device().changer();
        Failure bad = transport(changer, cdb.transport(), 2);
        if (bad != null) {
            ctx.complete(bad.toResponse(ctx.lu().descriptorSense()));
            return;
        }
        changer.exchange(cdb.source(), cdb.first(), cdb.second(), completion(ctx));
    }

    /** SMC-3 POSITION TO ELEMENT: the robot goes there; a virtual one is there at once. */
    public static ScsiResponse position(Cdb.PositionToElement cdb, ExecContext ctx) {
        MediumChanger changer = ctx.lu().device().changer();
        Failure bad = transport(changer, cdb.transport(), 2);
        if (bad == null && find(changer, cdb.destination()) == null) {
            bad = invalidAddress(4);
        }
        return bad == null ? ScsiResponse.good(null, 0) : bad.toResponse(ctx.lu().descriptorSense());
    }

    /**
     * SMC-3 INITIALIZE ELEMENT STATUS (WITH RANGE): the inventory is always current (the changer
     * reads no labels); with RANGE, STARTING ELEMENT ADDRESS must name an element.
     */
    public static ScsiResponse initialize(Cdb.InitializeElementStatus cdb, ExecContext ctx) {
        if (cdb.range() && find(ctx.lu().device().changer(), cdb.start()) == null) {
            return invalidAddress(2).toResponse(ctx.lu().descriptorSense());
        }
        return ScsiResponse.good(null, 0);
    }

    /** SMC-3 OPEN/CLOSE IMPORT/EXPORT ELEMENT: the element must be an import/export element; its door is virtual. */
    public static ScsiResponse openClose(Cdb.OpenCloseImportExport cdb, ExecContext ctx) {
        MediumChanger.Element e = find(ctx.lu().device().changer(), cdb.element());
        if (e == null || e.type() != MediumChanger.ElementType.IMPORT_EXPORT) {
            return invalidAddress(2).toResponse(ctx.lu().descriptorSense());
        }
        return ScsiResponse.good(null, 0);
    }

    private static Failure transport(MediumChanger changer, int address, int at) {
        if (address == 0) {
            return null;
        }
        MediumChanger.Element e = find(changer, address);
        return e != null && e.type() == MediumChanger.ElementType.TRANSPORT ? null : invalidAddress(at);
    }

    static MediumChanger.Element find(MediumChanger changer, int address) {
        for (MediumChanger.Element e : changer.elements()) {
            if (e.address() == address) {
                return e;
            }
        }
        return null;
    }

    private static Failure invalidAddress(int cdbByte) {
        return new Failure(SenseReason.INVALID_ELEMENT_ADDRESS, FieldPointer.cdb(cdbByte), false, 0);
    }

    private static MediumChanger.MoveCompletion completion(ExecContext ctx) {
        return new MediumChanger.MoveCompletion() {
            @Override
            public void completed() {
                ctx.complete(ScsiResponse.good(null, 0));
            }

            @Override
            public void failed(MediumChanger.MoveFailure failure, String why) {
                SenseReason reason = switch (failure) {
                    case INVALID_ELEMENT_ADDRESS -> SenseReason.INVALID_ELEMENT_ADDRESS;
                    case SOURCE_EMPTY -> SenseReason.MEDIUM_SOURCE_ELEMENT_EMPTY;
                    case DESTINATION_FULL -> SenseReason.MEDIUM_DESTINATION_ELEMENT_FULL;
                    case REMOVAL_PREVENTED -> SenseReason.MEDIUM_REMOVAL_PREVENTED;
                    case INTERNAL -> SenseReason.INTERNAL_TARGET_FAILURE;
                };
                ctx.complete(Failure.of(reason).toResponse(ctx.lu().descriptorSense()));
            }
        };
    }
}
