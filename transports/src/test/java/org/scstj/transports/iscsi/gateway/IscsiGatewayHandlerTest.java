package org.scstj.transports.iscsi.gateway;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.DataBuffer;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.engine.spi.ScsiPassThrough;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dev_iscsi} without a remote target: what opening it does, and what its commands get meanwhile. */
class IscsiGatewayHandlerTest {
    private static final DeviceHandlerFactory.Context CONTEXT = new DeviceHandlerFactory.Context(ForkJoinPool.commonPool(),
            Path.of("unused"));

    /** A port nothing listens on. */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void isFoundByTheServiceLoader() {
        assertTrue(ServiceLoader.load(DeviceHandlerFactory.class).stream()
                .anyMatch(p -> p.get().type().equals("dev_iscsi")));
    }

    @Test
    void open_unreachableWithoutType_failsSayingHowToOpenItAnyway() throws Exception {
        String conf = "portal = \"127.0.0.1:" + closedPort() + "\", target = \"iqn.2026-11.org.scstj:none\","
                + " login-timeout = 1s";
        IOException e = assertThrows(IOException.class, () -> new IscsiGatewayHandler().open("gw",
                ConfigFactory.parseString(conf), CONTEXT));
        assertTrue(e.getMessage().contains("set type"), e.getMessage());
    }

    @Test
    void open_unreachableWithType_opensNotReady_commandsFailAtOnceBecomingReady() throws Exception {
        String conf = "portal = \"127.0.0.1:" + closedPort() + "\", target = \"iqn.2026-11.org.scstj:none\","
                + " type = tape, login-timeout = 1s, reconnect-min = 50ms, reconnect-max = 200ms";
        try (BlockDevice d = new IscsiGatewayHandler().open("gw", ConfigFactory.parseString(conf), CONTEXT)) {
            assertEquals(0x01, d.peripheralDeviceType());
            assertTrue(d.ready(), "not gone: becoming ready");
            CompletableFuture<BlockDevice.IoFailure> failure = new CompletableFuture<>();
            long t0 = System.nanoTime();
            d.passThrough().execute(new byte[6], ScsiPassThrough.Direction.NONE, null, null,
                    new ScsiPassThrough.CommandCompletion() {
                        @Override
                        public void completed(ScsiPassThrough.Result result) {
                            failure.completeExceptionally(new AssertionError("answered: " + result.status()));
                        }

                        @Override
                        public void failed(BlockDevice.IoFailure f, Throwable cause) {
                            failure.complete(f);
                        }
                    });
            assertEquals(BlockDevice.IoFailure.BECOMING_READY, failure.get(5, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1), "at once, not after a login attempt");
            // no INQUIRY data was ever read: INQUIRY is not ready either
            CompletableFuture<BlockDevice.IoFailure> inquiry = new CompletableFuture<>();
            d.passThrough().execute(new byte[] {0x12, 0, 0, 0, 36, 0}, ScsiPassThrough.Direction.FROM_DEVICE, null,
                    DataBuffer.wrap(new byte[36], 36), new ScsiPassThrough.CommandCompletion() {
                        @Override
                        public void completed(ScsiPassThrough.Result result) {
                            inquiry.completeExceptionally(new AssertionError("answered"));
                        }

                        @Override
                        public void failed(BlockDevice.IoFailure f, Throwable cause) {
                            inquiry.complete(f);
                        }
                    });
            assertEquals(BlockDevice.IoFailure.BECOMING_READY, inquiry.get(5, TimeUnit.SECONDS));
        }
    }
}
