package org.scstj.transports.iscsi.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.scstj.transports.iscsi.testing.ConnectionHarness.command;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.scstj.transports.iscsi.conn.IscsiStats.LoginResult;
import org.scstj.transports.iscsi.pdu.Opcode;
import org.scstj.transports.iscsi.testing.ConnectionHarness;
import org.scstj.transports.iscsi.testing.PduBuilder;

import java.util.concurrent.TimeUnit;

/** The driver's counters for the metrics (docs/metrics.md) count each event once, by its kind. */
class IscsiStatsTest {
    private static final int F = 0x80;
    private ConnectionHarness h = new ConnectionHarness("");

    @AfterEach
    void close() {
        h.close();
    }

    private IscsiStats stats() {
        return h.context.registry().stats();
    }

    @Test
    void logins_countedByOutcome() {
        h.login();
        assertEquals(1, stats().logins(LoginResult.SUCCESS));
        ConnectionHarness refused = new ConnectionHarness(h.core, null, h.context);
        refused.send(refused.loginPdu(0x87, "InitiatorName=" + ConnectionHarness.INITIATOR, "TargetName=iqn.nope"));
        assertEquals(0x0203, refused.one().loginStatus());
        refused.close();
        assertEquals(1, stats().logins(LoginResult.NOT_FOUND));
        assertEquals(1, stats().logins(LoginResult.SUCCESS));
        assertEquals(0, stats().logins(LoginResult.TARGET_ERROR));
    }

    @Test
    void loginResult_groupsStatusClasses() {
        assertEquals(LoginResult.REDIRECT, LoginResult.of(0x0101));
        assertEquals(LoginResult.AUTHENTICATION_FAILURE, LoginResult.of(0x0201));
        assertEquals(LoginResult.INITIATOR_ERROR, LoginResult.of(0x0207));
        assertEquals(LoginResult.TARGET_ERROR, LoginResult.of(0x0302));
    }

    @Test
    void dataDigestError_counted() {
        h.login("DataDigest=CRC32C");
        h.dataDigest(true);
        var pdu = PduBuilder.pdu(Opcode.NOP_OUT).flags(F).itt(9).i32(20, Opcode.RESERVED_TAG).cmdSn(1)
                .data("ping".getBytes()).build(false, true);
        pdu.setByte(pdu.writerIndex() - 1, pdu.getByte(pdu.writerIndex() - 1) ^ 1);
        h.sendRaw(pdu);
        assertEquals(1, stats().dataDigestErrors());
        assertEquals(0, stats().headerDigestErrors());
    }

    @Test
    void headerDigestError_counted() {
        h.login("HeaderDigest=CRC32C");
        h.headerDigest(true);
        var pdu = command(1, 1, F, 0, 0).build(true, false);
        pdu.setByte(49, pdu.getByte(49) ^ 0x10);
        h.sendRaw(pdu);
        assertFalse(h.open());
        assertEquals(1, stats().headerDigestErrors());
        assertEquals(0, stats().dataDigestErrors());
    }

    @Test
    void unansweredPing_countsOneNopTimeout() {
        h.close();
        h = new ConnectionHarness("nop-in-interval = 1s\nnop-in-timeout = 1s");
        h.login();
        h.channel.advanceTimeBy(1100, TimeUnit.MILLISECONDS);
        h.channel.runScheduledPendingTasks(); // the ping goes out
        assertEquals(0, stats().nopTimeouts());
        h.channel.advanceTimeBy(1100, TimeUnit.MILLISECONDS);
        h.channel.runScheduledPendingTasks(); // and is not answered
        assertFalse(h.open());
        assertEquals(1, stats().nopTimeouts());
    }
}
