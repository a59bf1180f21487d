package org.scstj.bench.admin;

import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AdminLiveHeapTest {

    @Test
    void usedKib_sumsTheGenerations_notMetaspace() {
        String info = """
                1234:
                PSYoungGen      total 76288K, used 46609K [0x00000000eab00000, 0x00000000f4000000, 0x0000000100000000)
                  eden space 65536K, 71% used [0x00000000eab00000,0x00000000ed884428,0x00000000eeb00000)
                ParOldGen       total 175104K, used 10424K [0x00000000c0000000, 0x00000000cab00000, 0x00000000eab00000)
                  object space 175104K, 5% used [0x00000000c0000000,0x00000000c0a2e150,0x00000000cab00000)
                 Metaspace       used 61234K, committed 62000K, reserved 1114112K
                  class space    used 7000K, committed 7400K, reserved 1048576K
                """;
        assertEquals(OptionalLong.of(46609 + 10424), LiveHeap.usedKib(info));
    }

    @Test
    void usedKib_ofG1_readsItsOneRegion() {
        String info = """
                 garbage-first heap   total 262144K, used 48211K [0x00000000c0000000, 0x0000000100000000)
                  region size 1024K, 12 young (12288K), 3 survivors (3072K)
                 Metaspace       used 61234K, committed 62000K, reserved 1114112K
                """;
        assertEquals(OptionalLong.of(48211), LiveHeap.usedKib(info));
    }

    @Test
    void usedKib_ofSomethingElse_isUnknown() {
        assertEquals(OptionalLong.empty(), LiveHeap.usedKib("1234:\nNo such command\n"));
    }
}
