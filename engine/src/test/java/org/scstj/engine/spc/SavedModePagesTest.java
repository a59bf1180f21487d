package org.scstj.engine.spc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.sbc.FakeExecContext;
import org.scstj.engine.sbc.FakeExecContext.Outcome;
import org.scstj.engine.sbc.RamBlockDevice;
import org.scstj.engine.state.StateFile;

import java.nio.file.Files;
import java.nio.file.Path;

/** Saved mode pages (SPC-5 7.5.2, MODE SELECT SP, MODE SENSE PC 11b) kept in a crash-safe state file. */
class SavedModePagesTest {
    @TempDir
    Path dir;

    private final RamBlockDevice device = new RamBlockDevice(512, 100);

    private LuContext lu(ModeParameters mode) {
        return LuContexts.of(0, device, false, FakeExecContext.NEXUS, mode);
    }

    private ModeParameters savable(Path file) {
        return new ModeParameters(true, new StateFile(file), Runnable::run);
    }

    private static byte[] controlWithSwpAndDSense(LuContext lu) {
        byte[] control = ModeSense.page(ModeSense.CONTROL, ModeSense.PC_CURRENT, lu);
        control[0] &= 0x3F; // PS is reserved in MODE SELECT
        control[2] |= 0x04;
        control[4] |= 0x08;
        byte[] list = new byte[4 + control.length];
        System.arraycopy(control, 0, list, 4, control.length);
        return list;
    }

    @Test
    void modeSelectWithSp_savesDurably_andTheSavedValuesAreCurrentAfterARestart() throws Exception {
        Path file = dir.resolve("mode-pages/disk0.state");
        LuContext lu = lu(savable(file));
        byte[] list = controlWithSwpAndDSense(lu);
        Outcome o = FakeExecContext.run(lu, ModeSelectTest.modeSelect6(true, true, list.length), list.length, list);
        assertEquals("GOOD", o.sense());
        assertTrue(lu.writeProtected(), "applied at once");
        assertTrue(Files.exists(file));
        assertFalse(Files.exists(dir.resolve("mode-pages/disk0.state.tmp")), "no temporary file left");

        byte[] saved = FakeExecContext.run(lu, ModeSenseTest.modeSense6(true, 3, 0x0A, 0, 255), 255, null).data();
        assertEquals(0x80, saved[4] & 0x80, "PS: the Control page is savable");
        assertEquals(0x08, saved[4 + 4] & 0x08, "saved SWP");

        ModeParameters restarted = savable(file);
        assertNull(restarted.loadProblem());
        assertTrue(restarted.softwareWriteProtect(), "saved values are current after power on");
        assertTrue(restarted.descriptorSense());
        assertTrue(restarted.writeCacheEnabled());
    }

    @Test
    void modeSelectWithoutSp_changesOnlyTheCurrentValues() throws Exception {
        Path file = dir.resolve("d.state");
        LuContext lu = lu(savable(file));
        byte[] list = controlWithSwpAndDSense(lu);
        assertEquals("GOOD", FakeExecContext.run(lu, ModeSelectTest.modeSelect6(true, false, list.length), list.length, list).sense());
        assertTrue(lu.writeProtected());
        assertFalse(Files.exists(file));
        byte[] saved = FakeExecContext.run(lu, ModeSenseTest.modeSense6(true, 3, 0x0A, 0, 255), 255, null).data();
        assertEquals(0, saved[4 + 4] & 0x08, "saved SWP still the default");
        assertFalse(savable(file).softwareWriteProtect());
    }

    @Test
    void aDamagedStateFile_isReported_andTheDefaultsAreUsed() throws Exception {
        Path file = dir.resolve("d.state");
        new StateFile(file).write("wce=false\ndsense=true\nswp=true\n");
        String text = Files.readString(file);
        Files.writeString(file, text.substring(0, text.length() - 5)); // torn: check line cut short
        ModeParameters m = savable(file);
        assertNotNull(m.loadProblem());
        assertFalse(m.softwareWriteProtect());
        assertTrue(m.writeCacheEnabled());

        Files.writeString(file, text.replace("swp=true", "swp=fals")); // content changed under the check value
        assertNotNull(savable(file).loadProblem());
    }

    @Test
    void aFailedSave_isInternalTargetFailure_andChangesNothing() throws Exception {
        Path blocked = dir.resolve("blocked");
        Files.writeString(blocked, "a file where the directory should be");
        LuContext lu = lu(savable(blocked.resolve("d.state")));
        byte[] list = controlWithSwpAndDSense(lu);
        Outcome o = FakeExecContext.run(lu, ModeSelectTest.modeSelect6(true, true, list.length), list.length, list);
        assertEquals("04/44/00", o.sense());
        assertFalse(lu.writeProtected());
    }

    @Test
    void anLuWithoutSavedValues_refusesPcSavedAndSp() {
        LuContext lu = FakeExecContext.lu(device, false, false);
        assertEquals("05/39/00", FakeExecContext.run(lu, ModeSenseTest.modeSense6(true, 3, 0x3F, 0, 255), 255, null).sense());
        assertEquals("05/24/00", FakeExecContext.run(lu, ModeSelectTest.modeSelect6(true, true, 0), 0, null).sense());
        byte[] all = FakeExecContext.run(lu, ModeSenseTest.modeSense6(true, 0, 0x3F, 0, 255), 255, null).data();
        for (int at = 4; at < all.length; at += (all[at + 1] & 0xFF) + 2) {
            assertEquals(0, all[at] & 0x80, "PS 0 on page " + (all[at] & 0x3F));
        }
    }

    @Test
    void stateFile_roundTrips_andRefusesAFileWithoutItsCheckLine() throws Exception {
        StateFile f = new StateFile(dir.resolve("x/y.state"));
        assertTrue(f.read().isEmpty());
        f.write("a=1\n");
        assertEquals("a=1\n", f.read().orElseThrow());
        f.write("a=2\n");
        assertEquals("a=2\n", f.read().orElseThrow());
        Files.writeString(f.path(), "a=3\n");
        assertThrows(StateFile.CorruptStateException.class, f::read);
    }
}
