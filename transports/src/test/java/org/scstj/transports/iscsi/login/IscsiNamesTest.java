package org.scstj.transports.iscsi.login;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class IscsiNamesTest {

    @Test
    void rfc3720Examples_areValid() {
        for (String name : new String[]{
                "iqn.2001-04.com.example",
                "iqn.2001-04.com.example:storage:diskarrays-sn-a8675309",
                "iqn.2001-04.com.example:storage.tape1.sys1.xyz",
                "iqn.2026-11.org.scstj:demo",
                "eui.02004567A425678D",
                "naa.52004567BA64678D",
                "naa.62004567BA64678D0123456789ABCDEF"}) {
            assertTrue(IscsiNames.problem(name).isEmpty(), name);
        }
    }

    @Test
    void malformedNames_areRefused() {
        for (String name : new String[]{
                "", "storage", "iqn.2026-13.org.x", "iqn.26-11.org.x", "iqn.2026-11", "iqn.2026-11.Org.Example",
                "iqn.2026-11.org.x:has space", "iqn.2026-11.-org.x", "iqn.2026-11.org..x", "IQN.2026-11.org.x",
                "eui.02004567A425678", "eui.02004567A425678DX", "naa.1234", "naa.52004567BA64678D01",
                "iqn.2026-11.org.x:" + "a".repeat(220)}) {
            assertTrue(IscsiNames.problem(name).isPresent(), name);
        }
    }
}
