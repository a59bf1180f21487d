package org.scstj.bench.compare;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TgtdShowTest {
    /** tgtadm 1.0.85's output for the target a comparison creates. */
    private static final String SHOW = """
            Target 1: iqn.2026-11.org.scstj:bench
                System information:
                    Driver: iscsi
                    State: ready
                I_T nexus information:
                LUN information:
                    LUN: 0
                        Type: controller
                        SCSI ID: IET     00010000
                        SCSI SN: beaf10
                        Size: 0 MB, Block size: 1
                        Online: Yes
                        Backing store type: null
                        Backing store path: None
                        Backing store flags:\s
                    LUN: 1
                        Type: disk
                        SCSI ID: IET     00010001
                        SCSI SN: beaf11
                        Size: 67 MB, Block size: 512
                        Online: Yes
                        Thin-provisioning: No
                        Backing store type: rdwr
                        Backing store path: /dev/shm/probe/a.img
                        Backing store flags:\s
                    LUN: 2
                        Type: disk
                        SCSI ID: IET     00010002
                        SCSI SN: beaf12
                        Size: 1099512 MB, Block size: 512
                        Online: Yes
                        Backing store type: null
                        Backing store path: /dev/null
                        Backing store flags:\s
                Account information:
                ACL information:
                    ALL
            """;

    @Test
    void everyLogicalUnit() {
        Map<Integer, TgtdShow.Lu> lus = TgtdShow.parse(SHOW);
        assertEquals(3, lus.size());
        assertEquals(new TgtdShow.Lu(0, 0, 1, "null"), lus.get(0));
        assertEquals(new TgtdShow.Lu(1, 67, 512, "rdwr"), lus.get(1));
        assertEquals(new TgtdShow.Lu(2, 1099512, 512, "null"), lus.get(2));
    }

    @Test
    void noTarget_noUnits() {
        assertEquals(Map.of(), TgtdShow.parse(""));
    }
}
