package org.scstj.engine.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class NamesTest {
    @Test
    void upperAndLowerCaseSpellings_areOneName() {
        assertEquals("iqn.2026-11.org.example:ini-b", Names.canonical("IQN.2026-11.ORG.EXAMPLE:INI-B"));
        assertEquals("eui.02004567a425678d", Names.canonical("eui.02004567A425678D"));
    }

    @Test
    void aCanonicalName_isReturnedAsItIs() {
        String name = "iqn.2026-11.org.example:ini-b";
        assertSame(name, Names.canonical(name));
        assertNull(Names.canonical(null));
    }

    @Test
    void stringprep_removesTableB1_foldsCase_andNormalizesNfkc() {
        assertEquals("iqn.2026-11.de.strasse:x", Names.canonical("iqn.2026-11.de.STRA\u00DFE:x"), "ß folds to ss");
        assertEquals("iqn.2026-11.org.example:ab", Names.canonical("iqn.2026-11.org.example:a\u00ADb\u200B"),
                "soft hyphen and zero-width space map to nothing");
        assertEquals("iqn.2026-11.org.example:fi", Names.canonical("iqn.2026-11.org.example:\uFB01"), "NFKC: ligature");
        String once = Names.canonical("IQN.2026-11.ORG.Ex\u00C5mple:\uFB01");
        assertEquals(once, Names.canonical(once), "idempotent");
    }

    @Test
    void aNexus_keepsItsNamesCanonical() {
        Nexus n = new Nexus("IQN.2026-11.ORG.EXAMPLE:INI-B", "IQN.2026-11.ORG.EXAMPLE:INI-B,i,0x00023D000001",
                "IQN.2026-11.ORG.SCSTJ:T", "IQN.2026-11.ORG.SCSTJ:T,t,0x0001", 1, 1);
        assertEquals(new Nexus("iqn.2026-11.org.example:ini-b", "iqn.2026-11.org.example:ini-b,i,0x00023d000001",
                "iqn.2026-11.org.scstj:t", "iqn.2026-11.org.scstj:t,t,0x0001", 1, 1), n);
    }
}
