package org.scstj.transports.iscsi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.scstj.transports.iscsi.config.IscsiSettings;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.testing.ConnectionHarness;
import org.scstj.transports.iscsi.testing.PduBuilder;
import org.scstj.transports.iscsi.testing.RamDiskCore;
import org.scstj.transports.iscsi.testing.ReceivedPdu;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

class IscsiTargetDriverTest {
    private final ExecutorService coreThread = Executors.newSingleThreadExecutor();
    private RamDiskCore core;
    private IscsiTargetDriver driver;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws Exception {
        core = new RamDiskCore(64, coreThread); // commands run off the event loop: every callback hops back
        driver = new IscsiTargetDriver(IscsiSettings.from(ConfigFactory.parseString("portals = [\"127.0.0.1:0\"]")));
        driver.start(core).toCompletableFuture().get(10, TimeUnit.SECONDS);
        address = driver.boundAddresses().getFirst();
    }

    @AfterEach
    void stop() throws Exception {
        driver.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
        coreThread.shutdownNow();
    }

    /** A blocking initiator speaking raw PDUs over a socket. */
    static final class Client implements AutoCloseable {
        final Socket socket;
        final DataInputStream in;
        final OutputStream out;

        Client(InetSocketAddress a) throws IOException {
            socket = new Socket(a.getAddress(), a.getPort());
            socket.setSoTimeout(10_000);
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        void send(PduBuilder pdu) throws IOException {
            ByteBuf b = pdu.build();
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            out.write(bytes);
            out.flush();
        }

        ReceivedPdu read() throws IOException {
            byte[] h = new byte[48];
            in.readFully(h);
            int dsl = ((h[5] & 0xff) << 16) | ((h[6] & 0xff) << 8) | (h[7] & 0xff);
            byte[] d = new byte[dsl];
            in.readFully(d);
            in.skipNBytes(-dsl & 3);
            return new ReceivedPdu(h, d);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static PduBuilder login(int flags, String... keys) {
        return PduBuilder.immediate(Opcode.LOGIN_REQUEST).flags(flags).u16(8, 0x8000).i32(10, 7).itt(1).cmdSn(1).text(keys);
    }

    @Test
    void discoveryOverTcp_reportsTheBoundPortal() throws Exception {
        try (Client c = new Client(address)) {
            c.send(login(0x87, "InitiatorName=" + ConnectionHarness.INITIATOR, "SessionType=Discovery"));
            assertEquals(0, c.read().loginStatus());
            c.send(PduBuilder.immediate(Opcode.TEXT_REQUEST).flags(0x80).itt(2).i32(20, -1).cmdSn(1).text("SendTargets=All"));
            ReceivedPdu r = c.read();
            assertEquals(java.util.List.of("TargetName=" + RamDiskCore.TARGET,
                    "TargetAddress=127.0.0.1:" + address.getPort() + ",1"), r.pairs());
        }
    }

    @Test
    void writeAndReadOverTcp_withTheCoreOnAnotherThread() throws Exception {
        try (Client c = new Client(address)) {
            c.send(login(0x87, "InitiatorName=" + ConnectionHarness.INITIATOR, "TargetName=" + RamDiskCore.TARGET,
                    "InitialR2T=Yes", "MaxBurstLength=2048", "MaxRecvDataSegmentLength=1024"));
            assertEquals(0, c.read().loginStatus());
            byte[] data = new byte[4096];
            Arrays.fill(data, (byte) 0x5a);
            c.send(ConnectionHarness.command(1, 1, 0xa0, 4096, 0x2a, 0, 0, 0, 0, 1, 0, 0, 8).data(Arrays.copyOf(data, 1024)));
            int offset = 1024;
            ReceivedPdu r;
            while ((r = c.read()).opcode() == Opcode.R2T) {
                int off = r.i32(40);
                int len = r.i32(44);
                c.send(ConnectionHarness.dataOut(1, r.i32(20), off, true, Arrays.copyOfRange(data, off, off + len)));
                offset += len;
            }
            assertEquals(4096, offset);
            assertEquals(Opcode.SCSI_RESPONSE, r.opcode());
            assertEquals(0, r.u8(3));
            c.send(ConnectionHarness.command(2, 2, 0xc0, 4096, 0x28, 0, 0, 0, 0, 1, 0, 0, 8));
            byte[] back = new byte[4096];
            int got = 0;
            do {
                r = c.read();
                assertEquals(Opcode.DATA_IN, r.opcode());
                System.arraycopy(r.data(), 0, back, r.i32(40), r.data().length);
                got += r.data().length;
            } while ((r.flags() & 0x01) == 0);
            assertEquals(4096, got);
            assertArrayEquals(data, back);
        }
    }

    @Test
    void stop_closesEverySession() throws Exception {
        try (Client c = new Client(address)) {
            c.send(login(0x87, "InitiatorName=" + ConnectionHarness.INITIATOR, "TargetName=" + RamDiskCore.TARGET));
            assertEquals(0, c.read().loginStatus());
            driver.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(1, core.closed.size());
            assertEquals(Opcode.ASYNC_MESSAGE, c.read().opcode()); // the logout request it did not answer
            assertEquals(-1, c.in.read());
        }
    }

    @Test
    void bindingATakenPortal_failsNamingIt() {
        IscsiTargetDriver other = new IscsiTargetDriver(IscsiSettings.from(ConfigFactory.parseString(
                "portals = [\"127.0.0.1:" + address.getPort() + "\"]")));
        var e = assertThrows(Exception.class, () -> other.start(core).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertTrue(String.valueOf(e.getCause().getMessage()).contains("127.0.0.1:" + address.getPort()), e.toString());
        other.stop().toCompletableFuture().join();
    }
}
