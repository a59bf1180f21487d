package org.scstj.transports.iscsi.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.testing.PduBuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the seed corpus of the fuzz targets (real PDUs and logins as libiscsi and Linux send them)
 * into {@code src/test/resources/org/scstj/transports/iscsi/fuzz/}. Runs only on request:
 * {@code mvn -o -pl engine,transports test -Dtest=CorpusSeedsTest -Dscstj.fuzz.writeSeeds=true}.
 * Crashers the fuzzer finds are added beside the seeds by Jazzer itself.
 */
@EnabledIfSystemProperty(named = "scstj.fuzz.writeSeeds", matches = "true")
class CorpusSeedsTest {
    private static final Path ROOT = Path.of("src/test/resources/org/scstj/transports/iscsi/fuzz");
    private static final String[] SECURITY = {"InitiatorName=iqn.2007-10.com.github:sahlberg:libiscsi:iscsi-test",
            "InitiatorAlias=iscsi-test", "TargetName=iqn.2026-11.org.scstj:demo", "SessionType=Normal",
            "HeaderDigest=None,CRC32C", "DataDigest=None", "AuthMethod=None"};
    private static final String[] OPERATIONAL = {"HeaderDigest=None", "DataDigest=None", "DefaultTime2Wait=2",
            "DefaultTime2Retain=0", "IFMarker=No", "OFMarker=No", "ErrorRecoveryLevel=0", "InitialR2T=Yes",
            "ImmediateData=Yes", "MaxBurstLength=262144", "FirstBurstLength=262144", "MaxOutstandingR2T=1",
            "MaxConnections=1", "DataPDUInOrder=Yes", "DataSequenceInOrder=Yes", "MaxRecvDataSegmentLength=262144"};

    @Test
    void writeSeeds() throws IOException {
        writeDecoderSeeds();
        writeTextSeeds();
        writeExchangeSeeds();
        writeConnectionSeeds();
    }

    private static byte[] pdu(PduBuilder b, boolean digests) {
        ByteBuf buf = b.build(digests, digests);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    private static byte[] text(String... pairs) {
        StringBuilder sb = new StringBuilder();
        for (String p : pairs) {
            sb.append(p).append('\0');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The stream, then four bytes seeding the read sizes, then the mode byte (see PduDecoderFuzzTest). */
    private static byte[] decoderInput(int mode, int readSeed, byte[]... pdus) {
        FuzzInput.Writer w = new FuzzInput.Writer();
        for (byte[] p : pdus) {
            w.bytes(p);
        }
        return w.i32(readSeed).u8(mode).toByteArray();
    }

    private void writeDecoderSeeds() throws IOException {
        byte[] loginSecurity = pdu(PduBuilder.immediate(Opcode.LOGIN_REQUEST).flags(0x81).u16(8, 0x8000).i32(10, 1)
                .itt(0x1000).cmdSn(1).text(SECURITY), false);
        byte[] loginOperational = pdu(PduBuilder.immediate(Opcode.LOGIN_REQUEST).flags(0x87).u16(8, 0x8000)
                .i32(10, 1).itt(0x1000).cmdSn(1).text(OPERATIONAL), false);
        Map<String, byte[]> full = new TreeMap<>();
        for (boolean d : new boolean[]{false, true}) {
            String suffix = d ? "-digests" : "";
            full.put("read10" + suffix, pdu(PduBuilder.pdu(Opcode.SCSI_COMMAND).flags(0xc1).itt(2).cmdSn(1).lun(0)
                    .i32(20, 4096).cdb(0x28, 0, 0, 0, 0, 0, 0, 0, 8, 0), d));
            full.put("write10-immediate" + suffix, pdu(PduBuilder.pdu(Opcode.SCSI_COMMAND).flags(0xa1).itt(3).cmdSn(2)
                    .i32(20, 1024).cdb(0x2a, 0, 0, 0, 0, 0, 0, 0, 2, 0).data(new byte[512]), d));
            full.put("dataout" + suffix, pdu(PduBuilder.pdu(Opcode.DATA_OUT).flags(0x80).itt(3).i32(20, 7)
                    .i32(40, 512).data(new byte[510]), d));
            full.put("extended-cdb-ahs" + suffix, pdu(PduBuilder.pdu(Opcode.SCSI_COMMAND).flags(0xa1).itt(4).cmdSn(3)
                    .i32(20, 6).cdb(0x7f).ahs(new byte[]{0, 5, 1, 0, 1, 2, 3, 4}).data(new byte[6]), d));
            full.put("bidi-ahs" + suffix, pdu(PduBuilder.pdu(Opcode.SCSI_COMMAND).flags(0xe1).itt(5).cmdSn(4)
                    .i32(20, 512).cdb(0x53).ahs(new byte[]{0, 5, 2, 0, 0, 0, 2, 0}), d));
            full.put("nop" + suffix, pdu(PduBuilder.immediate(Opcode.NOP_OUT).flags(0x80).itt(6)
                    .i32(20, Opcode.RESERVED_TAG).data(new byte[]{1, 2, 3}), d));
            full.put("text" + suffix, pdu(PduBuilder.immediate(Opcode.TEXT_REQUEST).flags(0x80).itt(7)
                    .i32(20, Opcode.RESERVED_TAG).text("SendTargets=All"), d));
            full.put("tmf" + suffix, pdu(PduBuilder.immediate(Opcode.TASK_MGMT_REQUEST).flags(0x81).itt(8)
                    .i32(20, 2), d));
            full.put("logout" + suffix, pdu(PduBuilder.immediate(Opcode.LOGOUT_REQUEST).flags(0x80).itt(9), d));
            full.put("snack" + suffix, pdu(PduBuilder.pdu(Opcode.SNACK_REQUEST).flags(0x80).itt(10), d));
            full.put("bad-ahs-type" + suffix, pdu(PduBuilder.pdu(Opcode.SCSI_COMMAND).flags(0x81).itt(11)
                    .ahs(new byte[]{0, 1, 9, 0}), d));
        }
        write("PduDecoderFuzzTest", "decode", "login-sequence", decoderInput(0, 1, loginSecurity, loginOperational));
        write("PduDecoderFuzzTest", "decode", "login-sequence-bytewise", decoderInput(8, 1, loginSecurity, loginOperational));
        write("PduDecoderFuzzTest", "decode", "login-too-long", decoderInput(0, 3,
                pdu(PduBuilder.immediate(Opcode.LOGIN_REQUEST).flags(0x81).dataSegmentLength(0x10000)
                        .data(new byte[100]), false)));
        for (var e : full.entrySet()) {
            boolean d = e.getKey().endsWith("-digests");
            // after login: the login PDU first (no digests), then this PDU with digests in force
            write("PduDecoderFuzzTest", "decode", e.getKey(), decoderInput(d ? 0x37 : 0x31, 5, loginOperational,
                    e.getValue(), e.getValue()));
        }
    }

    private static byte[] loginRecord(int flags, int versionMin, int misc, byte[] text) {
        return new FuzzInput.Writer().u8(flags).u8(versionMin).u8(misc).u16(text.length).bytes(text).toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        FuzzInput.Writer w = new FuzzInput.Writer();
        for (byte[] p : parts) {
            w.bytes(p);
        }
        return w.toByteArray();
    }

    private void writeTextSeeds() throws IOException {
        byte[] security = text(SECURITY);
        byte[] operational = text(OPERATIONAL);
        write("TextFuzzTest", "parse", "security", security);
        write("TextFuzzTest", "parse", "operational", operational);
        write("TextFuzzTest", "parse", "sendtargets", text("SendTargets=All"));
        write("TextFuzzTest", "parse", "chap", text("CHAP_A=5", "CHAP_N=user", "CHAP_R=0x0123456789abcdef0123456789abcdef"));
        write("TextFuzzTest", "login", "libiscsi", concat(loginRecord(0x81, 0, 0, security),
                loginRecord(0x87, 0, 0, operational)));
        write("TextFuzzTest", "login", "discovery", loginRecord(0x87, 0, 0,
                text("InitiatorName=iqn.1993-08.org.debian:01:abc", "SessionType=Discovery", "HeaderDigest=None",
                        "DataDigest=None", "MaxRecvDataSegmentLength=32768")));
        byte[] first = java.util.Arrays.copyOf(security, 40);
        byte[] rest = java.util.Arrays.copyOfRange(security, 40, security.length);
        write("TextFuzzTest", "login", "continued", concat(loginRecord(0x41, 0, 0, first),
                loginRecord(0x81, 0, 0, rest), loginRecord(0x87, 0, 0, operational)));
        write("TextFuzzTest", "login", "security-only-then-full", loginRecord(0x83, 0, 0, security));
        FuzzInput.Writer negotiate = new FuzzInput.Writer().u8(0).u8(OPERATIONAL.length);
        for (String pair : OPERATIONAL) {
            String[] kv = pair.split("=", 2);
            negotiate.u8(TextFuzzTest.KEYS.indexOf(kv[0])).u8(kv[1].length()).bytes(kv[1].getBytes(StandardCharsets.US_ASCII));
        }
        write("TextFuzzTest", "negotiate", "operational", negotiate.toByteArray());
        write("TextFuzzTest", "accumulate", "pieces", new FuzzInput.Writer().u8(1).u16(3).bytes(new byte[]{'a', '=', 'b'})
                .u8(1).u16(40000).u8(1).u16(40000).u8(0).u8(1).u16(1).u8(0).toByteArray());
    }

    private static byte[] textRecord(int flags, int itt, int tttChoice, byte[] text) {
        return new FuzzInput.Writer().u8(flags).u8(itt).u8(tttChoice).u16(text.length).bytes(text).toByteArray();
    }

    private void writeExchangeSeeds() throws IOException {
        write("TextExchangeFuzzTest", "exchange", "sendtargets-all-in-pieces", concat(new byte[]{1},
                textRecord(0x80, 3, 0, text("SendTargets=All")), textRecord(0x80, 3, 1, new byte[0]),
                textRecord(0x80, 3, 1, new byte[0])));
        write("TextExchangeFuzzTest", "exchange", "continued-request", concat(new byte[]{0},
                textRecord(0x40, 4, 0, "SendTarg".getBytes(StandardCharsets.US_ASCII)),
                textRecord(0x80, 4, 1, text("ets=iqn.2026-11.org.scstj:ram", "X-vendor=1"))));
        write("TextExchangeFuzzTest", "exchange", "itt-change", concat(new byte[]{0},
                textRecord(0x40, 4, 0, "a=".getBytes(StandardCharsets.US_ASCII)), textRecord(0x80, 5, 1, text("b=c"))));
        write("TextExchangeFuzzTest", "exchange", "final-zero-then-final", concat(new byte[]{1},
                textRecord(0x00, 6, 0, text("X-vendor.a=1")), textRecord(0x00, 6, 1, text("X-vendor.a=1")),
                textRecord(0x80, 6, 1, text("SendTargets=All"))));
        write("TextExchangeFuzzTest", "exchange", "continue-and-final", concat(new byte[]{1},
                textRecord(0xc0, 7, 0, text("SendTargets=All"))));
    }

    private static byte[] reads(int mode, byte[]... pdus) {
        FuzzInput.Writer w = new FuzzInput.Writer().u8(mode);
        for (byte[] p : pdus) {
            w.u16(p.length).bytes(p);
        }
        return w.toByteArray();
    }

    private void writeConnectionSeeds() throws IOException {
        byte[] write = pdu(PduBuilder.pdu(Opcode.SCSI_COMMAND).flags(0xa1).itt(3).cmdSn(1).i32(20, 1024)
                .cdb(0x2a, 0, 0, 0, 0, 0, 0, 0, 2, 0).data(new byte[512]), false);
        byte[] dataOut = pdu(PduBuilder.pdu(Opcode.DATA_OUT).flags(0x80).itt(3).i32(20, Opcode.RESERVED_TAG)
                .i32(40, 512).data(new byte[512]), false);
        byte[] read = pdu(PduBuilder.pdu(Opcode.SCSI_COMMAND).flags(0xc1).itt(4).cmdSn(2).i32(20, 1024)
                .cdb(0x28, 0, 0, 0, 0, 0, 0, 0, 2, 0), false);
        byte[] nop = pdu(PduBuilder.immediate(Opcode.NOP_OUT).flags(0x80).itt(5).cmdSn(3)
                .i32(20, Opcode.RESERVED_TAG).data(new byte[]{1, 2, 3}), false);
        byte[] abort = pdu(PduBuilder.immediate(Opcode.TASK_MGMT_REQUEST).flags(0x81).itt(6).cmdSn(3).i32(20, 4), false);
        byte[] lunReset = pdu(PduBuilder.immediate(Opcode.TASK_MGMT_REQUEST).flags(0x85).itt(7).cmdSn(3)
                .i32(20, Opcode.RESERVED_TAG), false);
        byte[] sendTargets = pdu(PduBuilder.immediate(Opcode.TEXT_REQUEST).flags(0x80).itt(8).cmdSn(3)
                .i32(20, Opcode.RESERVED_TAG).text("SendTargets=All"), false);
        byte[] logout = pdu(PduBuilder.immediate(Opcode.LOGOUT_REQUEST).flags(0x80).itt(9).cmdSn(3), false);
        byte[] snack = pdu(PduBuilder.pdu(Opcode.SNACK_REQUEST).flags(0x80).itt(10).cmdSn(3), false);
        write("ConnectionFuzzTest", "afterLogin", "write-read-nop-logout", reads(0, write, dataOut, read, nop, logout));
        write("ConnectionFuzzTest", "afterLogin", "tmf", reads(0, read, abort, lunReset, snack));
        write("ConnectionFuzzTest", "afterLogin", "discovery-sendtargets", reads(1, sendTargets, logout));
        write("ConnectionFuzzTest", "afterLogin", "discovery-scsi", reads(1, read));
    }

    private static void write(String fuzzClass, String method, String name, byte[] bytes) throws IOException {
        Path dir = ROOT.resolve(fuzzClass + "Inputs").resolve(method);
        Files.createDirectories(dir);
        Files.write(dir.resolve("seed-" + name), bytes);
    }
}
