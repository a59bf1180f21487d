package org.scstj.bench.compare;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MachineTest {
    private static final String CPUINFO = """
            processor\t: 0
            vendor_id\t: GenuineIntel
            model name\t: Intel(R) Xeon(R) Processor @ 2.80GHz
            flags\t\t: fpu vme

            processor\t: 1
            vendor_id\t: GenuineIntel
            model name\t: Intel(R) Xeon(R) Processor @ 2.80GHz
            """;

    @Test
    void cpuModelAndCores() {
        assertEquals("Intel(R) Xeon(R) Processor @ 2.80GHz", Machine.cpuModel(CPUINFO));
        assertEquals(2, Machine.cores(CPUINFO));
        assertEquals("unknown CPU", Machine.cpuModel("processor : 0\n"));
    }

    @Test
    void memory() {
        assertEquals(24684092, Machine.memTotalKib("MemTotal:       24684092 kB\nMemFree:        22509592 kB\n"));
        assertEquals(0, Machine.memTotalKib(""));
    }
}
