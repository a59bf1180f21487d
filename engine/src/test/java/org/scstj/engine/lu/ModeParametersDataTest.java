package org.scstj.engine.lu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The mode parameters' values as data (SPC-5 7.5.2: current and saved), taken and installed. */
class ModeParametersDataTest {
    @Test
    void values_areCurrentAndSaved_nullSavedWhenNothingWasSaved() {
        ModeParameters m = new ModeParameters(true);
        ModeParameters.Data d = m.values();
        assertEquals(new ModeParameters.Values(true, false, false, 0), d.current());
        assertNull(d.saved());
        m.apply(new ModeParameters.Values(false, true, false, 2));
        m.applySaved(new ModeParameters.Values(true, false, true, 0));
        assertEquals(new ModeParameters.Data(new ModeParameters.Values(true, false, true, 0),
                new ModeParameters.Values(true, false, true, 0)), m.values());
    }

    @Test
    void install_replacesCurrentAndSaved_andAResetThenRestoresTheInstalledSavedValues() {
        ModeParameters source = new ModeParameters(true);
        source.applySaved(new ModeParameters.Values(false, true, false, 3));
        source.apply(new ModeParameters.Values(true, true, true, 3));

        ModeParameters copy = new ModeParameters(true);
        copy.install(source.values());
        assertEquals(source.values(), copy.values());
        assertTrue(copy.writeCacheEnabled());
        assertTrue(copy.softwareWriteProtect());
        assertEquals(3, copy.uaInterlock());
        copy.restoreSaved();
        assertFalse(copy.writeCacheEnabled());
        assertTrue(copy.descriptorSense());
        assertFalse(copy.softwareWriteProtect());
    }

    @Test
    void install_keepsWceOffWithoutAWriteBackCache() {
        ModeParameters writeThrough = new ModeParameters(false);
        writeThrough.install(new ModeParameters.Data(new ModeParameters.Values(true, false, false, 0), null));
        assertFalse(writeThrough.writeCacheEnabled(), "SBC-4 6.5.5: WCE is changeable only with a write-back cache");
        assertEquals(new ModeParameters.Values(false, false, false, 0), writeThrough.saved());
    }
}
