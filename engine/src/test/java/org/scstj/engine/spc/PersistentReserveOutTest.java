package org.scstj.engine.spc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.scstj.engine.cdb.Cdb;
import org.scstj.engine.pr.PrOut;
import org.scstj.engine.pr.Registrant;
import org.scstj.engine.sense.Failure;
import org.scstj.engine.sense.SenseReason;

class PersistentReserveOutTest {
    static final Cdb.PersistentReserveOut REGISTER = new Cdb.PersistentReserveOut(PrOut.REGISTER, 0, 0, 0);

    static byte[] iscsiId(int format, String text) {
        Registrant r = format == 0 ? new Registrant(text, null, 0, false)
                : new Registrant(text.substring(0, text.indexOf(",i,0x")), text.substring(text.indexOf(",i,0x") + 5), 0, false);
        return TransportIds.encode(r);
    }

    static byte[] specIPt(byte[]... ids) {
        int total = 0;
        for (byte[] id : ids) {
            total += id.length;
        }
        byte[] list = new byte[28 + total];
        list[15] = 0x42; // SERVICE ACTION RESERVATION KEY
        list[20] = 0x08; // SPEC_I_PT
        list[24] = (byte) (total >>> 24);
        list[25] = (byte) (total >>> 16);
        list[26] = (byte) (total >>> 8);
        list[27] = (byte) total;
        int at = 28;
        for (byte[] id : ids) {
            System.arraycopy(id, 0, list, at, id.length);
            at += id.length;
        }
        return list;
    }

    @Test
    void transportIds_roundTripInBothIscsiFormats() {
        Registrant name = new Registrant("iqn.2026-11.test:b", null, 0, false);
        Registrant port = new Registrant("iqn.2026-11.test:b", "00023d000001", 0, false);
        byte[] list = specIPt(TransportIds.encode(name), TransportIds.encode(port));
        PrOut out = assertInstanceOf(PrOut.class, PersistentReserveOut.parse(REGISTER, list, false));
        assertEquals(List.of(name, port), out.transportIds());
        assertEquals(0x42, out.serviceActionKey());
    }

    @Test
    void malformedTransportIds_areInvalidFieldInParameterList() {
        byte[] good = iscsiId(1, "iqn.2026-11.test:b,i,0x00023d000001");
        byte[] otherProtocol = good.clone();
        otherProtocol[0] = 0x41; // FC's protocol identifier... as format 01b
        byte[] badFormat = good.clone();
        badFormat[0] = (byte) 0x85;
        byte[] unterminated = good.clone();
        java.util.Arrays.fill(unterminated, 4, unterminated.length, (byte) 'a');
        byte[] oddLength = good.clone();
        oddLength[3] = (byte) (oddLength[3] - 1);
        byte[] pastTheEnd = good.clone();
        pastTheEnd[2] = 0x7F;
        byte[] badIsid = iscsiId(0, "iqn.2026-11.test:b,i,0x12");
        badIsid[0] = 0x45;
        for (byte[] id : List.of(otherProtocol, badFormat, unterminated, oddLength, pastTheEnd, badIsid)) {
            Failure f = assertInstanceOf(Failure.class, PersistentReserveOut.parse(REGISTER, specIPt(id), false));
            assertEquals(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, f.reason());
        }
        byte[] list = specIPt(good);
        list[27] = (byte) 0xF0; // TRANSPORTID PARAMETER DATA LENGTH past the list
        Failure f = assertInstanceOf(Failure.class, PersistentReserveOut.parse(REGISTER, list, false));
        assertEquals(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, f.reason());
    }

    @Test
    void aBasicListOfTheWrongLength_isParameterListLengthError_andApTplWithoutStateIsRefused() {
        Failure f = assertInstanceOf(Failure.class, PersistentReserveOut.parse(REGISTER, new byte[28], false));
        assertEquals(SenseReason.PARAMETER_LIST_LENGTH_ERROR, f.reason());
        byte[] aptpl = new byte[24];
        aptpl[20] = 0x01;
        f = assertInstanceOf(Failure.class, PersistentReserveOut.parse(REGISTER, aptpl, false));
        assertEquals(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, f.reason());
        assertInstanceOf(PrOut.class, PersistentReserveOut.parse(REGISTER, aptpl, true));
    }

    @Test
    void aTransportIdIsNeverReadOutsideItsList() {
        assertNull(TransportIds.parseAll(new byte[] {0x45, 0, 0, 4}, 0, 4), "4 bytes: no name");
        assertNull(TransportIds.parseAll(new byte[] {0x45, 0, 0, 8, 'a', 'b'}, 0, 6));
        assertNull(TransportIds.parseAll("iqn".getBytes(StandardCharsets.US_ASCII), 2, 4));
    }

    @Test
    void aHugeParameterListLength_isParameterListLengthError_beforeAnyDataOutIsAsked() {
        var lu = org.scstj.engine.sbc.FakeExecContext.lu(new org.scstj.engine.sbc.RamBlockDevice(512, 16), false, false);
        byte[] cdb = {0x5F, 0x00, 0x00, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0};
        var outcome = org.scstj.engine.sbc.FakeExecContext.run(lu, cdb, -1, new byte[0]);
        assertEquals("05/1A/00", outcome.sense());
        assertEquals(-1, outcome.task().requestedData, "no Data-Out was asked for");
    }

    @Test
    void anEdtlShorterThanTheList_isParameterListLengthError_reportingTheListLengthForTheOverflow() {
        var lu = org.scstj.engine.sbc.FakeExecContext.lu(new org.scstj.engine.sbc.RamBlockDevice(512, 16), false, false);
        byte[] cdb = {0x5F, 0x06, 0x00, 0, 0, 0, 0, 0, 24, 0};
        var outcome = org.scstj.engine.sbc.FakeExecContext.run(lu, cdb, 20, new byte[20]);
        assertEquals("05/1A/00", outcome.sense());
        assertEquals(-1, outcome.task().requestedData, "no Data-Out was asked for");
        assertEquals(24, outcome.response().transferLength(), "RFC 7143 11.4.5: 4 bytes over EDTL, as UNMAP and MODE SELECT");
    }

    @Test
    void prOutThroughTheCommandPath_registersAndReadKeysReportsIt() {
        var lu = org.scstj.engine.sbc.FakeExecContext.lu(new org.scstj.engine.sbc.RamBlockDevice(512, 16), false, false);
        byte[] list = new byte[24];
        list[15] = 0x55;
        byte[] cdb = {0x5F, 0x06, 0x00, 0, 0, 0, 0, 0, 24, 0};
        assertEquals("GOOD", org.scstj.engine.sbc.FakeExecContext.run(lu, cdb, 24, list).sense());
        byte[] readKeys = {0x5E, 0x00, 0, 0, 0, 0, 0, 0, 12, 0};
        var keys = org.scstj.engine.sbc.FakeExecContext.run(lu, readKeys, 12, null);
        assertEquals(12, keys.data().length, "truncated to the ALLOCATION LENGTH");
        assertEquals(1, keys.data()[3], "PRGENERATION");
        assertEquals(8, keys.data()[7], "ADDITIONAL LENGTH counts every key");
    }
}
