package org.scstj.engine.sbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.scstj.engine.cdb.Decoded;
import org.scstj.engine.commands.Decode;
import org.scstj.engine.exec.CommandRow;
import org.scstj.engine.exec.CommandSet;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.lun.Checks;
import org.scstj.engine.sbc.FakeExecContext.Outcome;
import org.scstj.engine.sense.FieldPointer;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;

/**
 * START STOP UNIT (SBC-4 5.25) on a removable LU, and what an ejected medium does to the other
 * commands (libiscsi StartStopUnit.*, PreventAllow.Eject).
 */
class StartStopUnitTest {
    static final Nexus OTHER = new Nexus("iqn.2026-11.org.test:other", "iqn.2026-11.org.test:other,i,0x2",
            "iqn.2026-11.org.scstj:storage", "iqn.2026-11.org.scstj:storage,t,0x1", 3, 1);

    private final RamBlockDevice device = removable(new RamBlockDevice(512, 1000), true);
    private final LuContext lu = FakeExecContext.lu(device, false, false);
    /** The same LU through a second I_T nexus: same mode parameters, same medium. */
    private final LuContext other = LuContexts.of(0, device, false, OTHER, lu.mode(), lu.medium());

    static RamBlockDevice removable(RamBlockDevice d, boolean removable) {
        BlockDevice.Capabilities c = d.capabilities();
        return d.capabilities(new BlockDevice.Capabilities(c.writeBackCache(), c.thinProvisioned(), c.readOnly(),
                removable, c.rotationRate(), c.serial(), c.naaId()));
    }

    static byte[] startStop(boolean immed, int pcm, int pc, boolean noFlush, boolean loej, boolean start) {
        return new byte[] {0x1B, (byte) (immed ? 1 : 0), 0, (byte) pcm,
                (byte) (pc << 4 | (noFlush ? 4 : 0) | (loej ? 2 : 0) | (start ? 1 : 0)), 0};
    }

    static byte[] eject() {
        return startStop(false, 0, 0, false, true, false);
    }

    static byte[] load() {
        return startStop(false, 0, 0, false, true, true);
    }

    static byte[] preventAllow(int prevent) {
        return new byte[] {0x1E, 0, 0, 0, (byte) prevent, 0};
    }

    static Outcome run(LuContext on, byte[] cdb) {
        return FakeExecContext.run(on, cdb, 0, null);
    }

    static byte[] testUnitReady() {
        return new byte[6];
    }

    /** Fixed-format sense: SKSV, C/D 1, BPV, bit; then the FIELD POINTER. */
    static void assertCdbPointer(Outcome o, int field, int bit) {
        byte[] s = o.response().sense();
        assertEquals(0x80 | 0x40 | 0x08 | bit, s[15] & 0xFF, "sense-key specific byte 15");
        assertEquals(field, (s[16] & 0xFF) << 8 | (s[17] & 0xFF), "FIELD POINTER");
    }

    @Test
    void eject_makesTestUnitReadyReportMediumNotPresent_andLoadBringsItBack() {
        assertEquals("GOOD", run(lu, eject()).sense());
        assertFalse(lu.medium().present());
        assertEquals("02/3A/00", run(lu, testUnitReady()).sense(), "no tray modelled: never 3A/02");
        assertEquals("02/3A/00", run(other, testUnitReady()).sense(), "every nexus sees the LU's medium");
        assertEquals("GOOD", run(lu, load()).sense());
        assertEquals("GOOD", run(lu, testUnitReady()).sense());
        assertEquals("GOOD", run(other, testUnitReady()).sense());
    }

    @Test
    void immed_isAcceptedForEjectAndLoad() {
        assertEquals("GOOD", run(lu, startStop(true, 0, 0, false, true, false)).sense());
        assertEquals("02/3A/00", run(lu, testUnitReady()).sense());
        assertEquals("GOOD", run(lu, startStop(true, 0, 0, false, true, true)).sense());
        assertEquals("GOOD", run(lu, testUnitReady()).sense());
    }

    @Test
    void ejectedMedium_failsEveryMediumAccessCommandBeforeItTouchesTheDevice() {
        run(lu, eject());
        int reads = device.reads;
        int writes = device.writes;
        int flushes = device.flushes;
        for (CommandRow row : lu.commands().rows()) {
            byte[] cdb = Decode.minimal(row);
            FakeTask task = new FakeTask(cdb, 512, row.direction() == org.scstj.engine.cdb.DataDirection.OUT
                    ? new byte[512] : null);
            FakeExecContext ctx = new FakeExecContext(task, lu);
            assertInstanceOf(Decoded.Ok.class, Decode.decode(cdb), row.name());
            CommandSet.Parsed parsed = lu.commands().parse(cdb);
            ScsiResponse refused = Checks.medium(parsed, lu.wholeMedium(), null, lu.medium(), true, 512, false);
            if (refused != null) {
                ctx.complete(refused); // the LUN actor's last check: the medium is out
            } else {
                lu.commands().execute(parsed, ctx);
            }
            Outcome o = new Outcome(ctx.response(), task);
            if (row.needsMedium()) {
                assertEquals("02/3A/00", o.sense(), row.name());
                assertEquals(-1, task.requestedData, row.name() + ": no Data-Out asked for");
            } else {
                assertNotEquals("02/3A/00", o.sense(), row.name() + " works without the medium");
            }
        }
        assertEquals(reads, device.reads);
        assertEquals(writes, device.writes);
        assertEquals(flushes, device.flushes);
    }

    @Test
    void ejectedMedium_leavesInquiryRequestSenseAndModeSenseWorking() {
        run(lu, eject());
        Outcome inquiry = FakeExecContext.run(lu, new byte[] {0x12, 0, 0, 0, 36, 0}, 36, null);
        assertEquals("GOOD", inquiry.sense());
        assertEquals(0x80, inquiry.data()[1] & 0x80, "RMB");
        assertEquals("GOOD", FakeExecContext.run(lu, new byte[] {0x03, 0, 0, 0, 18, 0}, 18, null).sense());
        assertEquals("GOOD", FakeExecContext.run(lu, new byte[] {0x1A, 0, 0x3F, 0, (byte) 255, 0}, 255, null).sense());
    }

    @Test
    void eject_flushesTheCacheFirst_unlessNoFlush() {
        run(lu, eject());
        assertEquals(1, device.flushes);
        run(lu, load());
        assertEquals(1, device.flushes, "a load flushes nothing");
        run(lu, startStop(false, 0, 0, true, true, false));
        assertEquals(1, device.flushes, "NO_FLUSH");
        assertFalse(lu.medium().present());
        run(lu, eject());
        assertEquals(1, device.flushes, "an ejected medium has nothing cached");
    }

    @Test
    void eject_whoseFlushFails_reportsTheErrorAndKeepsTheMedium() {
        device.failWith(BlockDevice.IoFailure.MEDIUM_ERROR);
        assertEquals("03/0C/00", run(lu, eject()).sense());
        assertTrue(lu.medium().present());
    }

    @Test
    void stopWithoutLoej_flushesAndTheLuStaysReady() {
        assertEquals("GOOD", run(lu, startStop(false, 0, 0, false, false, false)).sense());
        assertEquals(1, device.flushes);
        assertEquals("GOOD", run(lu, testUnitReady()).sense(), "libiscsi StartStopUnit.NoLoej");
        assertEquals("GOOD", run(lu, startStop(true, 0, 0, true, false, false)).sense());
        assertEquals(1, device.flushes, "NO_FLUSH");
        assertEquals("GOOD", run(lu, startStop(false, 0, 0, false, false, true)).sense());
        assertEquals(1, device.flushes, "START 1 flushes nothing");
        assertTrue(lu.medium().present());
    }

    @Test
    void powerConditionOtherThanStartValid_ignoresStartAndLoej() {
        for (int pc = 1; pc < 16; pc++) {
            assertEquals("GOOD", run(lu, startStop(true, 0, pc, false, true, false)).sense(), "PC " + pc);
            assertTrue(lu.medium().present(), "PC " + pc + ": not ejected");
        }
        run(lu, eject());
        assertEquals("GOOD", run(lu, startStop(false, 0, 1, false, true, true)).sense());
        assertFalse(lu.medium().present(), "PC 1h: not loaded either");
        assertEquals(1, device.flushes);
    }

    @Test
    void powerConditionModifier_mustBeZeroWithStartValid() {
        Decoded d = Decode.decode(startStop(false, 1, 0, false, false, true));
        var failure = assertInstanceOf(Decoded.Rejected.class, d).failure();
        assertEquals(FieldPointer.cdb(3, 3), failure.pointer());
        assertInstanceOf(Decoded.Ok.class, Decode.decode(startStop(false, 1, 2, false, false, true)),
                "ignored with another power condition");
    }

    @Test
    void loejOnANonRemovableLu_isInvalidFieldInCdbAtLoej() {
        RamBlockDevice fixed = new RamBlockDevice(512, 100);
        LuContext fixedLu = FakeExecContext.lu(fixed, false, false);
        Outcome o = run(fixedLu, eject());
        assertEquals("05/24/00", o.sense());
        assertCdbPointer(o, 4, 1);
        assertEquals("05/24/00", run(fixedLu, load()).sense());
        assertEquals("GOOD", run(fixedLu, startStop(false, 0, 0, false, false, true)).sense());
        assertEquals("GOOD", run(fixedLu, startStop(false, 0, 0, false, false, false)).sense());
        assertEquals("GOOD", run(fixedLu, testUnitReady()).sense());
        assertEquals(0, fixed.reads);
    }

    @Test
    void ejectOrLoad_whileAnyNexusPreventsRemoval_isMediumRemovalPrevented() {
        assertEquals("GOOD", run(other, preventAllow(1)).sense());
        assertEquals("05/53/02", run(lu, eject()).sense());
        assertEquals(0, device.flushes, "refused before flushing");
        assertEquals("GOOD", run(lu, testUnitReady()).sense());
        assertEquals("GOOD", run(other, preventAllow(0)).sense());
        assertEquals("GOOD", run(lu, eject()).sense());
        assertEquals("GOOD", run(lu, preventAllow(1)).sense(), "PREVENT works with no medium");
        assertEquals("05/53/02", run(lu, load()).sense());
        assertFalse(lu.medium().present());
        assertEquals("GOOD", run(lu, preventAllow(0)).sense());
        assertEquals("GOOD", run(lu, load()).sense());
        assertTrue(lu.medium().present());
    }

    @Test
    void descriptorSense_isUsedWhenTheLuAsksForIt() {
        LuContext ds = FakeExecContext.lu(removable(new RamBlockDevice(512, 10), true), false, true);
        run(ds, eject());
        byte[] sense = run(ds, testUnitReady()).response().sense();
        assertEquals(0x72, sense[0] & 0x7F);
        assertEquals("02/3A/00", run(ds, testUnitReady()).sense());
    }
}
