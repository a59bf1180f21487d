package org.scstj.engine.sbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.scstj.engine.sbc.StartStopUnitTest.assertCdbPointer;
import static org.scstj.engine.sbc.StartStopUnitTest.eject;
import static org.scstj.engine.sbc.StartStopUnitTest.preventAllow;
import static org.scstj.engine.sbc.StartStopUnitTest.run;

import org.junit.jupiter.api.Test;
import org.scstj.engine.cdb.Decoded;
import org.scstj.engine.commands.Decode;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.sbc.FakeExecContext.Outcome;
import org.scstj.engine.sense.FieldPointer;

/** PREVENT ALLOW MEDIUM REMOVAL (SBC-4 5.13; libiscsi PreventAllow.Simple, 2ITNexuses). */
class PreventAllowMediumRemovalTest {
    private final RamBlockDevice device = StartStopUnitTest.removable(new RamBlockDevice(512, 1000), true);
    private final LuContext lu = FakeExecContext.lu(device, false, false);
    private final LuContext other = LuContexts.of(0, device, false, StartStopUnitTest.OTHER, lu.mode(), lu.medium());

    @Test
    void prevent_recordsThisNexus_allowUndoesIt() {
        assertEquals("GOOD", run(lu, preventAllow(1)).sense());
        assertTrue(lu.medium().prevents(lu.nexus()));
        assertFalse(lu.medium().prevents(other.nexus()));
        assertEquals("GOOD", run(lu, preventAllow(0)).sense());
        assertFalse(lu.medium().removalPrevented());
    }

    @Test
    void preventAllow_isPerNexus() {
        run(lu, preventAllow(1));
        run(other, preventAllow(1));
        run(lu, preventAllow(0));
        assertEquals("05/53/02", run(lu, eject()).sense(), "the other nexus still prevents");
        run(other, preventAllow(0));
        assertEquals("GOOD", run(lu, eject()).sense());
    }

    @Test
    void preventOnANonRemovableLu_isInvalidFieldInCdb_allowIsGood() {
        LuContext fixedLu = FakeExecContext.lu(new RamBlockDevice(512, 100), false, false);
        Outcome o = run(fixedLu, preventAllow(1));
        assertEquals("05/24/00", o.sense());
        assertCdbPointer(o, 4, 1);
        assertEquals("GOOD", run(fixedLu, preventAllow(0)).sense());
    }

    @Test
    void obsoletePreventValues_areRejectedByTheDecoder() {
        for (int prevent : new int[] {2, 3}) {
            var failure = assertInstanceOf(Decoded.Rejected.class, Decode.decode(preventAllow(prevent))).failure();
            assertEquals(FieldPointer.cdb(4, 1), failure.pointer());
        }
    }

}
