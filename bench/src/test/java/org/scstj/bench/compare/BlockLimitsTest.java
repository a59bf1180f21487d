package org.scstj.bench.compare;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockLimitsTest {
    @Test
    void scstjsPage() throws Exception {
        BlockLimits limits = BlockLimits.parse("""
                wsnz:0
                maximum compare and write length:0
                optimal transfer length granularity:1
                maximum transfer length:16384
                optimal transfer length:2048
                maximum prefetch xdread xdwrite transfer length:0
                maximum unmap lba count:0
                """);
        assertEquals(new BlockLimits(16384, 2048), limits);
        assertTrue(limits.fitsOneCommand(1 << 20, 512));
        assertFalse(limits.fitsOneCommand(16 << 20, 512));
        assertEquals("16384 blocks", limits.describeMax());
    }

    @Test
    void tgtdsPage_noLimit() throws Exception {
        BlockLimits limits = BlockLimits.parse("""
                wsnz:0
                maximum compare and write length:128
                optimal transfer length granularity:0
                maximum transfer length:0
                optimal transfer length:0
                """);
        assertTrue(limits.fitsOneCommand(1L << 30, 512));
        assertEquals("no limit", limits.describeMax());
    }

    @Test
    void otherOutput_isAFailure() {
        assertThrows(BenchFailure.class, () -> BlockLimits.parse("Page:0x00 SUPPORTED_VPD_PAGES\nPage:0xb0 BLOCK_LIMITS\n"));
    }
}
