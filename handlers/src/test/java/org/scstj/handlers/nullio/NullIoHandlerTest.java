package org.scstj.handlers.nullio;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DeviceHandlerFactory;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NullIoHandlerTest {
    private final NullIoHandler handler = new NullIoHandler();

    @Test
    void defaultSize_isATerabyteOf512ByteBlocks() {
        BlockDevice d = handler.open("n", ConfigFactory.empty(), new DeviceHandlerFactory.Context(Runnable::run, Path.of(".")));
        assertEquals(512, d.blockSize());
        assertEquals((1L << 40) / 512, d.blockCount());
    }

    @Test
    void reads_overwriteWhateverTheBufferHeldWithZeros_andCompleteInline() {
        BlockDevice d = handler.open("n", ConfigFactory.parseMap(Map.of("size", "1G", "block-size", 4096)),
                new DeviceHandlerFactory.Context(Runnable::run, Path.of(".")));
        ByteBuffer buf = ByteBuffer.allocateDirect(200_000);
        while (buf.hasRemaining()) {
            buf.put((byte) 0x77);
        }
        buf.clear();
        AtomicBoolean done = new AtomicBoolean();
        d.read(0, buf, new BlockDevice.Completion() {
            @Override public void completed() { done.set(true); }
            @Override public void failed(BlockDevice.IoFailure f, Throwable c) { }
        });
        assertTrue(done.get());
        for (int i = 0; i < buf.capacity(); i++) {
            assertEquals(0, buf.get(i), "byte " + i);
        }
    }

    @Test
    void removable_isOffByDefaultAndReportedWhenSet() {
        DeviceHandlerFactory.Context ctx = new DeviceHandlerFactory.Context(Runnable::run, Path.of("."));
        assertFalse(handler.open("n", ConfigFactory.empty(), ctx).capabilities().removable());
        assertTrue(handler.open("n", ConfigFactory.parseMap(Map.of("removable", true)), ctx).capabilities().removable());
    }

    @Test
    void validate_refusesUnknownKeys() {
        assertTrue(handler.validate("n", ConfigFactory.parseMap(Map.of("filename", "/x"))).getFirst()
                .startsWith("filename: unknown key for a vdisk_nullio device"));
    }
}
