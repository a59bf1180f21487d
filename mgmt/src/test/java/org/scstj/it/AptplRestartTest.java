package org.scstj.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * SPC-5 5.14.4 APTPL against the real daemon, across a restart: an initiator registers a key with
 * PERSISTENT RESERVE OUT REGISTER and APTPL 1; the daemon is stopped and started again on the same
 * state directory; PERSISTENT RESERVE IN READ KEYS, from a new session, finds the key (and the
 * generation it had). With APTPL 0 nothing survives. libiscsi's tools cannot set APTPL, so the test
 * speaks iSCSI itself: a login to full feature phase and SCSI Command PDUs with immediate data
 * (RFC 7143 11.2, 11.12), no digests.
 */
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class AptplRestartTest {
    static final String TARGET = "iqn.2026-11.org.scstj:aptpl";
    static final String TEMPLATE = """
            scstj {
              state-dir = "@DIR@/state"
              handlers.vdisk_fileio { d { filename = "@DIR@/d.img", size = 8M } }
              target-drivers.iscsi {
                portals = ["127.0.0.1:@PORT@"]
                targets { "iqn.2026-11.org.scstj:aptpl" { luns { 0 = d } } }
              }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void aKeyRegisteredWithAptpl_isThereAfterARestart_oneWithoutIsNot() throws Exception {
        long kept = 0x1122334455667788L;
        Daemon first = Daemon.start(dir, TEMPLATE);
        try (RawInitiator a = RawInitiator.login(first.port, "iqn.2026-11.org.example:a")) {
            a.clearUnitAttention();
            assertEquals(0, a.command(registerCdb(), register(kept, true), 0).status(), "REGISTER, APTPL 1");
            assertEquals(java.util.List.of(kept), readKeys(a));
        }
        first.stopCleanly();

        Daemon second = Daemon.start(dir, TEMPLATE);
        try (RawInitiator b = RawInitiator.login(second.port, "iqn.2026-11.org.example:b")) {
            b.clearUnitAttention();
            assertEquals(java.util.List.of(kept), readKeys(b), "restored from state-dir after the restart");
        }
        try (RawInitiator a = RawInitiator.login(second.port, "iqn.2026-11.org.example:a")) {
            a.clearUnitAttention();
            // unregister (service action key 0) with APTPL 0: nothing is to be kept
            assertEquals(0, a.command(registerCdb(), registerFrom(kept, 0, false), 0).status());
        }
        second.stopCleanly();

        Daemon third = Daemon.start(dir, TEMPLATE);
        try (RawInitiator b = RawInitiator.login(third.port, "iqn.2026-11.org.example:b")) {
            b.clearUnitAttention();
            assertEquals(java.util.List.of(), readKeys(b), "APTPL 0: no registration survives");
        } finally {
            third.stopCleanly();
        }
    }

    /** PERSISTENT RESERVE OUT, REGISTER (SPC-5 6.17), parameter list of 24 bytes. */
    private static byte[] registerCdb() {
        byte[] cdb = new byte[10];
        cdb[0] = 0x5F;
        cdb[1] = 0x00;
        cdb[8] = 24;
        return cdb;
    }

    private static byte[] register(long key, boolean aptpl) {
        return registerFrom(0, key, aptpl);
    }

    /** RESERVATION KEY, SERVICE ACTION RESERVATION KEY, APTPL (byte 20 bit 0). */
    private static byte[] registerFrom(long current, long next, boolean aptpl) {
        ByteBuffer p = ByteBuffer.allocate(24).putLong(0, current).putLong(8, next);
        p.put(20, (byte) (aptpl ? 0x01 : 0));
        return p.array();
    }

    /** PERSISTENT RESERVE IN, READ KEYS (SPC-5 6.16.2): the registered keys. */
    private static java.util.List<Long> readKeys(RawInitiator i) throws IOException {
        byte[] cdb = new byte[10];
        cdb[0] = 0x5E;
        cdb[8] = (byte) 200;
        RawInitiator.Result r = i.command(cdb, null, 200);
        assertEquals(0, r.status(), "READ KEYS");
        ByteBuffer d = ByteBuffer.wrap(r.dataIn());
        int length = d.getInt(4);
        java.util.List<Long> keys = new java.util.ArrayList<>();
        for (int at = 8; at < 8 + length; at += 8) {
            keys.add(d.getLong(at));
        }
        return keys;
    }

    /** Just enough of an iSCSI initiator for one LUN 0 command at a time (RFC 7143). */
    static final class RawInitiator implements AutoCloseable {
        record Result(int status, byte[] dataIn) {
        }

        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;
        private int cmdSn;
        private int expStatSn;
        private int itt;

        private RawInitiator(Socket socket) throws IOException {
            this.socket = socket;
            this.socket.setSoTimeout(10_000);
            this.in = new DataInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        /** Logs in from the operational stage straight to full feature phase (RFC 7143 6.3, no security stage). */
        static RawInitiator login(int port, String initiator) throws IOException {
            RawInitiator i = new RawInitiator(new Socket("127.0.0.1", port));
            String keys = "InitiatorName=" + initiator + "\0TargetName=" + TARGET + "\0SessionType=Normal\0"
                    + "HeaderDigest=None\0DataDigest=None\0ImmediateData=Yes\0InitialR2T=Yes\0"
                    + "MaxRecvDataSegmentLength=65536\0";
            byte[] bhs = new byte[48];
            bhs[0] = 0x43;                      // Login Request, immediate
            bhs[1] = (byte) (0x80 | 1 << 2 | 3); // T, CSG operational, NSG full feature
            bhs[8] = 0x40;                      // ISID: random qualifier type
            bhs[13] = (byte) (initiator.hashCode() & 0x7F);
            i.send(bhs, keys.getBytes(StandardCharsets.UTF_8));
            byte[] response = i.receive();
            if (response[36] != 0 || (response[1] & 0x80) == 0) {
                throw new IOException("login refused: class " + response[36] + " detail " + response[37]);
            }
            i.expStatSn = ByteBuffer.wrap(response).getInt(24) + 1;
            i.cmdSn = ByteBuffer.wrap(response).getInt(28);
            return i;
        }

        /** One command to LUN 0, with its Data-Out as immediate data; the status and any Data-In. */
        Result command(byte[] cdb, byte[] dataOut, int readLength) throws IOException {
            byte[] bhs = new byte[48];
            bhs[0] = 0x01;
            bhs[1] = (byte) (0x80 | (dataOut != null ? 0x20 : 0) | (readLength > 0 ? 0x40 : 0) | 1);
            ByteBuffer b = ByteBuffer.wrap(bhs);
            b.putInt(16, ++itt);
            b.putInt(20, dataOut != null ? dataOut.length : readLength);
            b.putInt(24, cmdSn++);
            b.putInt(28, expStatSn);
            System.arraycopy(cdb, 0, bhs, 32, cdb.length);
            send(bhs, dataOut);
            ByteArrayOutputStream dataIn = new ByteArrayOutputStream();
            while (true) {
                byte[] pdu = receive();
                int opcode = pdu[0] & 0x3F;
                int segment = ByteBuffer.wrap(pdu).getInt(4) & 0xFFFFFF;
                if (opcode == 0x25) {                 // Data-In
                    dataIn.write(pdu, 48, segment);
                    if ((pdu[1] & 0x01) != 0) {       // S: status in this PDU
                        expStatSn = ByteBuffer.wrap(pdu).getInt(24) + 1;
                        return new Result(pdu[3] & 0xFF, dataIn.toByteArray());
                    }
                } else if (opcode == 0x21) {          // SCSI Response
                    expStatSn = ByteBuffer.wrap(pdu).getInt(24) + 1;
                    return new Result(pdu[3] & 0xFF, dataIn.toByteArray());
                } else if (opcode != 0x20) {          // NOP-In aside, nothing else is expected
                    throw new IOException("unexpected PDU opcode " + Integer.toHexString(opcode));
                }
            }
        }

        /** TEST UNIT READY until GOOD: the power-on unit attention of a new nexus (SAM-5 5.14). */
        void clearUnitAttention() throws IOException {
            for (int i = 0; i < 4; i++) {
                if (command(new byte[6], null, 0).status() == 0) {
                    return;
                }
            }
            throw new IOException("TEST UNIT READY never GOOD");
        }

        private void send(byte[] bhs, byte[] data) throws IOException {
            int length = data == null ? 0 : data.length;
            bhs[5] = (byte) (length >>> 16);
            bhs[6] = (byte) (length >>> 8);
            bhs[7] = (byte) length;
            out.write(bhs);
            if (length > 0) {
                out.write(data);
                out.write(new byte[(4 - length % 4) % 4]);
            }
            out.flush();
        }

        /** One PDU: the BHS followed by its data segment (padding dropped). */
        private byte[] receive() throws IOException {
            byte[] bhs = new byte[48];
            in.readFully(bhs);
            int length = ((bhs[5] & 0xFF) << 16) | ((bhs[6] & 0xFF) << 8) | (bhs[7] & 0xFF);
            int ahs = (bhs[4] & 0xFF) * 4;
            byte[] pdu = new byte[48 + length];
            System.arraycopy(bhs, 0, pdu, 0, 48);
            in.skipNBytes(ahs);
            in.readFully(pdu, 48, length);
            in.skipNBytes((4 - length % 4) % 4);
            return pdu;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
