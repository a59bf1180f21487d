package org.scstj.engine.lu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.sbc.RamBlockDevice;
import org.scstj.engine.spi.BlockDevice;

import java.util.List;
import java.util.Map;

class CopyScopeTest {
    private static RamBlockDevice device(long naa) {
        return new RamBlockDevice(512, 16).capabilities(
                new BlockDevice.Capabilities(true, false, false, false, 1, "S" + naa, naa));
    }

    private static CopyScope.Target target(int lun, RamBlockDevice d, boolean readOnly) {
        return LuStates.target(lun, d, readOnly, new ModeParameters(true));
    }

    @Test
    void byNaa_findsEachAccessibleLuByItsDesignator() {
        RamBlockDevice a = device(0x6001L);
        RamBlockDevice b = device(0x6002L);
        Map<Long, CopyScope.Target> map = CopyScope.byNaa(List.of(target(0, a, false), target(1, b, true)));
        CopyScope scope = new CopyScope(map, new CopyManager(), new CopyStatusTable());
        assertSame(a, scope.target(0x6001L).device());
        assertSame(b, scope.target(0x6002L).device());
        assertTrue(scope.target(0x6002L).writeProtected());
        assertNull(scope.target(0x6003L), "a device the nexus may not access is not there");
    }

    @Test
    void byNaa_aDeviceMappedTwice_isReadOnlyOnlyIfEveryMappingIs() {
        RamBlockDevice a = device(0x6001L);
        Map<Long, CopyScope.Target> map = CopyScope.byNaa(List.of(target(0, a, true), target(4, a, false)));
        assertEquals(1, map.size());
        assertFalse(map.get(0x6001L).readOnly());
    }

    @Test
    void byNaa_twoDevicesWithOneDesignator_areBothLeftOut() {
        Map<Long, CopyScope.Target> map = CopyScope.byNaa(List.of(target(0, device(7), false),
                target(1, device(7), false), target(2, device(7), false), target(3, device(8), false)));
        assertNull(map.get(7L));
        assertEquals(1, map.size());
    }

    @Test
    void target_writeProtected_followsSoftwareWriteProtect() {
        ModeParameters mode = new ModeParameters(true);
        CopyScope.Target t = LuStates.target(0, device(1), false, mode);
        assertFalse(t.writeProtected());
        mode.apply(true, false, true);
        assertTrue(t.writeProtected());
    }

    @Test
    void luContextOfTests_seesOnlyItself() {
        RamBlockDevice a = device(0x6001L);
        LuContext lu = LuContexts.of(0, a, false, null, false);
        assertSame(a, lu.copy().target(0x6001L).device());
        assertEquals(1, lu.copy().targets().size());
        assertTrue(LuContexts.of(0, null, false, null, false).copy().targets().isEmpty());
    }
}
