package org.scstj.handlers.nullio;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DeviceHandlerFactory;

import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** vdisk_nullio changed while running (issue 14): any size, live read-only. */
class NullIoOnlineChangesTest {
    private final NullIoHandler handler = new NullIoHandler();

    @Test
    void resize_isTheNewCount_andReadOnlyChangesLive() throws Exception {
        try (BlockDevice d = handler.open("n0", ConfigFactory.parseString("size = 1M"),
                new DeviceHandlerFactory.Context(Runnable::run, null))) {
            d.resize(4096, false);
            assertEquals(4096, d.blockCount());
            d.resize(16, false);
            assertEquals(16, d.blockCount(), "nothing is stored, so shrinking needs no force");
            d.setAttributes(ConfigFactory.parseString("read-only = true"));
            assertTrue(d.capabilities().readOnly());
            d.setAttributes(ConfigFactory.parseString("read-only = false"));
            assertFalse(d.capabilities().readOnly());
        }
    }

    @Test
    void attributes_describeEveryKey_withTheDefaultsOfReferenceConf() {
        assertEquals(NullIoHandler.KEYS, handler.attributes().stream().map(DeviceHandlerFactory.Attribute::name)
                .collect(Collectors.toSet()));
        assertEquals(Set.of("read-only"), handler.liveAttributes());
        assertEquals(handler.liveAttributes(), handler.attributes().stream().filter(DeviceHandlerFactory.Attribute::live)
                .map(DeviceHandlerFactory.Attribute::name).collect(Collectors.toSet()));
        Config defaults = ConfigFactory.defaultReference().getConfig("scstj.handler-defaults.vdisk_nullio");
        for (DeviceHandlerFactory.Attribute a : handler.attributes()) {
            assertEquals(defaults.getValue(a.name()).unwrapped().toString(), a.defaultValue(), a.name());
        }
    }
}
