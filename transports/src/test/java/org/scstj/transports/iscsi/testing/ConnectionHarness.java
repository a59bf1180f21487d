package org.scstj.transports.iscsi.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.scstj.transports.iscsi.codec.PduDecoder;
import org.scstj.transports.iscsi.codec.PduEncoder;
import org.scstj.transports.iscsi.config.IscsiSettings;
import org.scstj.transports.iscsi.conn.IscsiConnection;
import org.scstj.transports.iscsi.conn.SessionRegistry;
import org.scstj.transports.iscsi.conn.TargetContext;
import org.scstj.transports.iscsi.pdu.Opcode;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** One target connection in an {@link EmbeddedChannel}, driven PDU by PDU like an initiator. */
public final class ConnectionHarness implements AutoCloseable {
    public static final String INITIATOR = "iqn.2026-11.test:initiator";

    public final RamDiskCore core;
    public final TargetContext context;
    public final EmbeddedChannel channel;
    /** The connection on {@link #channel}. */
    public final IscsiConnection connection;
    private final ByteBuf received = Unpooled.buffer();
    private boolean headerDigest;
    private boolean dataDigest;

    public ConnectionHarness(String config) {
        this(new RamDiskCore(64, Runnable::run), config, null);
    }

    public ConnectionHarness(RamDiskCore core, String config, TargetContext shared) {
        this.core = core;
        IscsiSettings settings = shared != null ? shared.settings() : IscsiSettings.from(ConfigFactory.parseString(config));
        this.context = shared != null ? shared : new TargetContext(core, settings, new SessionRegistry(),
                () -> configuredPortals(settings), ConcurrentHashMap.newKeySet());
        this.connection = new IscsiConnection(context);
        this.channel = new EmbeddedChannel(new PduDecoder(), new PduEncoder(), connection.loginHandler());
    }

    /** The configured portals of each group, by tag, as if bound. */
    public static java.util.Map<Integer, List<InetSocketAddress>> configuredPortals(IscsiSettings settings) {
        java.util.Map<Integer, List<InetSocketAddress>> out = new java.util.LinkedHashMap<>();
        for (IscsiSettings.PortalGroup g : settings.portalGroups()) {
            out.put(g.tag(), g.portals().stream().map(p -> new InetSocketAddress(p.host(), p.port())).toList());
        }
        return out;
    }

    public void send(PduBuilder pdu) {
        channel.writeInbound(pdu.build(headerDigest, dataDigest));
    }

    public void sendRaw(ByteBuf bytes) {
        channel.writeInbound(bytes);
    }

    /** Use header digests from now on (after a login that negotiated them). */
    public void headerDigest(boolean on) {
        headerDigest = on;
    }

    /** Use data digests from now on (after a login that negotiated them). */
    public void dataDigest(boolean on) {
        dataDigest = on;
    }

    /** Every PDU the target sent since the last call. */
    public List<ReceivedPdu> received() {
        channel.runPendingTasks();
        Object m;
        while ((m = channel.readOutbound()) != null) {
            if (m instanceof io.netty.channel.FileRegion region) {
                // a zero-copy Data-In segment: what sendfile would put on the wire
                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                try {
                    var sink = java.nio.channels.Channels.newChannel(bytes);
                    while (region.transferred() < region.count()) {
                        region.transferTo(sink, region.transferred());
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                received.writeBytes(bytes.toByteArray());
                region.release();
            } else {
                ByteBuf b = (ByteBuf) m;
                received.writeBytes(b);
                b.release();
            }
        }
        if (headerDigest || dataDigest) {
            List<ReceivedPdu> out = new ArrayList<>();
            while (received.readableBytes() >= 48) {
                int dsl = received.getUnsignedMedium(received.readerIndex() + 5);
                byte[] h = new byte[48];
                received.readBytes(h);
                if (headerDigest) {
                    received.skipBytes(4);
                }
                byte[] d = new byte[dsl];
                received.readBytes(d);
                received.skipBytes(-dsl & 3);
                if (dataDigest && dsl > 0) {
                    received.skipBytes(4);
                }
                out.add(new ReceivedPdu(h, d));
            }
            return out;
        }
        return ReceivedPdu.parseAll(received);
    }

    public ReceivedPdu one() {
        List<ReceivedPdu> all = received();
        assertEquals(1, all.size(), "expected exactly one PDU, got " + all.size());
        return all.get(0);
    }

    /**
     * A login in two steps with this TSIH and CID (a TSIH other than 0 joins that session, RFC 7143
     * 6.3.3): the security stage with AuthMethod=None, then the operational stage offering
     * {@code operational}. Returns the final Login Response, or the first refusal.
     */
    public ReceivedPdu login(int tsih, int cid, String... operational) {
        send(loginPdu(0x81, "InitiatorName=" + INITIATOR, "TargetName=" + RamDiskCore.TARGET, "AuthMethod=None")
                .u16(14, tsih).u16(20, cid));
        ReceivedPdu first = one();
        if (first.loginStatus() != 0) {
            return first;
        }
        send(loginPdu(0x87, operational).u16(14, tsih).u16(20, cid));
        return one();
    }

    public PduBuilder loginPdu(int flags, String... keys) {
        return PduBuilder.immediate(Opcode.LOGIN_REQUEST).flags(flags).u16(8, 0x8000).i32(10, 0x0001).itt(0x1000)
                .cmdSn(1).text(keys);
    }

    /** Security stage then operational stage into the full feature phase; the next CmdSN is 1, next StatSN 2. */
    public void login(String... operationalKeys) {
        send(loginPdu(0x81, "InitiatorName=" + INITIATOR, "TargetName=" + RamDiskCore.TARGET, "SessionType=Normal",
                "AuthMethod=None"));
        ReceivedPdu r1 = one();
        assertEquals(0, r1.loginStatus());
        send(loginPdu(0x87, operationalKeys));
        ReceivedPdu r2 = one();
        assertEquals(Opcode.LOGIN_RESPONSE, r2.opcode());
        assertEquals(0, r2.loginStatus(), "login refused");
        assertTrue((r2.flags() & 0x80) != 0);
        assertEquals(3, r2.flags() & 3);
    }

    public void discoveryLogin() {
        send(loginPdu(0x87, "InitiatorName=" + INITIATOR, "SessionType=Discovery", "MaxRecvDataSegmentLength=8192"));
        assertEquals(0, one().loginStatus());
    }

    /** A SCSI Command: flags F=0x80 R=0x40 W=0x20, attribute SIMPLE. */
    public static PduBuilder command(int itt, int cmdSn, int flags, int edtl, int... cdb) {
        return PduBuilder.pdu(Opcode.SCSI_COMMAND).flags(flags | 1).itt(itt).cmdSn(cmdSn).i32(20, edtl).cdb(cdb);
    }

    public static PduBuilder dataOut(int itt, int ttt, int offset, boolean fin, byte[] data) {
        return dataOut(itt, ttt, offset, fin, data, 0);
    }

    public static PduBuilder dataOut(int itt, int ttt, int offset, boolean fin, byte[] data, int dataSn) {
        return PduBuilder.pdu(Opcode.DATA_OUT).flags(fin ? 0x80 : 0).itt(itt).i32(20, ttt).i32(36, dataSn)
                .i32(40, offset).data(data);
    }

    public boolean open() {
        channel.runPendingTasks();
        return channel.isOpen();
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
        received.release();
    }
}
