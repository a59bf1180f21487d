package org.scstj.engine.scsitarget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.ScsiEngine;
import org.scstj.engine.model.DeviceSpec;
import org.scstj.engine.model.EngineSpec;
import org.scstj.engine.model.GroupSpec;
import org.scstj.engine.model.LunMapping;
import org.scstj.engine.model.TargetSpec;
import org.scstj.engine.sbc.RamBlockDevice;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.engine.spi.SessionHandle;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Run-time LUN mapping changes through the real engine ({@link ScsiEngine#reconfigure}): open
 * sessions whose inventory changed see the new one and get REPORTED LUNS DATA HAS CHANGED
 * (SPC-5 6.33, 3F/0E); the others are left alone; a change the running engine cannot make is
 * refused whole.
 */
class ReconfigureTest {
    private static final String TARGET = "iqn.2026-11.org.scstj:reconf";
    private static final String A = "iqn.2026-11.org.test:a";
    private static final String B = "iqn.2026-11.org.test:b";

    private final DeviceHandlerFactory ram = new DeviceHandlerFactory() {
        @Override public String type() { return "ram"; }
        @Override public List<String> validate(String deviceName, Config deviceConfig) { return List.of(); }
        @Override public BlockDevice open(String deviceName, Config deviceConfig, Context context) {
            return new RamBlockDevice(512, 64).capabilities(new BlockDevice.Capabilities(true, false, false, false, 1,
                    deviceName, deviceConfig.getLong("naa")));
        }
    };

    private ScsiEngine engine;
    private long tags;

    private static DeviceSpec device(String name, long naa) {
        return new DeviceSpec(name, "ram", ConfigFactory.parseString("naa = " + naa));
    }

    private static TargetSpec target(List<LunMapping> defaults) {
        return new TargetSpec(TARGET, defaults, List.of(new GroupSpec("b", List.of(B),
                List.of(new LunMapping(0, "d1", false)))), 1);
    }

    @BeforeEach
    void start(@TempDir Path stateDir) throws Exception {
        engine = ScsiEngine.start(new EngineSpec(stateDir, List.of(device("d0", 1), device("d1", 2), device("d2", 3)),
                List.of(target(List.of(new LunMapping(0, "d0", false))))), ConfigFactory.load(), List.of(ram));
    }

    @AfterEach
    void stop() throws Exception {
        engine.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private SessionHandle login(String initiator) throws Exception {
        Nexus nexus = new Nexus(initiator, initiator + ",i,0x1", TARGET, TARGET + ",t,0x1", 1, 1);
        SessionHandle s = engine.core().openSession(nexus).toCompletableFuture().get(10, TimeUnit.SECONDS);
        untilGood(s, 0);
        return s;
    }

    private ScsiResponse send(SessionHandle s, int lun, byte[] cdb, int edtl) throws Exception {
        ExtendedCopyAccessTest.Task t = new ExtendedCopyAccessTest.Task(++tags, (long) lun << 48, cdb, null, edtl);
        s.submit(t);
        return t.response.get(10, TimeUnit.SECONDS);
    }

    /** The unit attentions a LUN reports before TEST UNIT READY is GOOD, as "KEY/ASC/ASCQ". */
    private List<String> untilGood(SessionHandle s, int lun) throws Exception {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ScsiResponse r = send(s, lun, new byte[6], 0);
            if (r.status() == ScsiResponse.GOOD) {
                return seen;
            }
            byte[] k = r.sense();
            seen.add(String.format("%02X/%02X/%02X", k[2] & 0x0F, k[12] & 0xFF, k[13] & 0xFF));
        }
        throw new AssertionError("no GOOD after " + seen);
    }

    private List<Integer> reportLuns(SessionHandle s) throws Exception {
        byte[] cdb = new byte[12];
        cdb[0] = (byte) 0xA0;
        cdb[9] = (byte) 255;
        ScsiResponse r = send(s, 0, cdb, 255);
        ByteBuffer d = r.dataIn().nio();
        int length = d.getInt(0);
        List<Integer> luns = new ArrayList<>();
        for (int at = 8; at < 8 + length; at += 8) {
            luns.add(d.get(at + 1) & 0xFF);
        }
        return luns;
    }

    private List<String> reconfigure(List<TargetSpec> specs) throws Exception {
        return engine.reconfigure(specs).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aChangedInventory_isReportedLunsDataHasChanged_forThatInitiatorOnly() throws Exception {
        SessionHandle a = login(A);
        SessionHandle b = login(B);
        assertEquals(List.of(0), reportLuns(a));

        assertEquals(List.of(), reconfigure(List.of(target(List.of(new LunMapping(0, "d0", false),
                new LunMapping(1, "d2", false))))));

        assertTrue(untilGood(a, 0).contains("06/3F/0E"), "A's inventory changed");
        assertEquals(List.of(0, 1), reportLuns(a));
        assertTrue(untilGood(a, 1).contains("06/3F/0E"), "on the new LU too");
        assertEquals(List.of(), untilGood(b, 0), "B's group did not change: no unit attention");
        assertEquals(List.of(0), reportLuns(b));
    }

    @Test
    void aLunTakenAway_isNotAddressableAnyMore() throws Exception {
        SessionHandle a = login(A);
        assertEquals(List.of(), reconfigure(List.of(target(List.of(new LunMapping(3, "d2", false))))));
        assertEquals(List.of(3), reportLuns(a));
        ScsiResponse old = send(a, 0, new byte[6], 0);
        assertEquals("05/25/00", String.format("%02X/%02X/%02X", old.sense()[2] & 0x0F, old.sense()[12] & 0xFF,
                old.sense()[13] & 0xFF), "LUN 0 is gone: LOGICAL UNIT NOT SUPPORTED");
        assertTrue(untilGood(a, 3).contains("06/3F/0E"));
    }

    @Test
    void aMappingOfAnUnknownDevice_isRefusedWhole() throws Exception {
        SessionHandle a = login(A);
        List<String> problems = reconfigure(List.of(target(List.of(new LunMapping(0, "d0", false),
                new LunMapping(1, "new-disk", false)))));
        assertFalse(problems.isEmpty());
        assertTrue(problems.getFirst().contains("new-disk"), problems.toString());
        assertEquals(List.of(0), reportLuns(a));
        assertEquals(List.of(), untilGood(a, 0), "nothing changed, no unit attention");
    }
}
