package org.scstj.transports.iscsi.conn;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.scstj.engine.spi.ScsiResponse;
import org.scstj.transports.iscsi.login.OperationalParameters;
import org.scstj.transports.iscsi.pdu.Bhs;
import org.scstj.transports.iscsi.pdu.PduParser;
import org.scstj.transports.iscsi.pdu.ScsiCommand;
import org.scstj.transports.iscsi.testing.ConnectionHarness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** IscsiTask's life: the transitions of {@link IscsiTask.State}, and the ones it refuses. */
class IscsiTaskTest {
    private static final OperationalParameters PARAMS = new OperationalParameters(8192, 8192, 262144, 65536, true,
            true, 1, true, true, false, false, 2, 20, 2, 1);
    private static final ScsiResponse GOOD = ScsiResponse.good(null, 0);

    /** A TEST UNIT READY task of no connection (the transitions never touch it). */
    private static IscsiTask task(boolean immediate) {
        ByteBuf pdu = (immediate ? ConnectionHarness.command(1, 1, 0x80, 0, 0).u8(0, 0x41)
                : ConnectionHarness.command(1, 1, 0x80, 0, 0)).build(false, false);
        byte[] h = new byte[Bhs.LENGTH];
        pdu.readBytes(h);
        pdu.release();
        ScsiCommand cmd = (ScsiCommand) PduParser.parse(new Bhs(h), null, Unpooled.EMPTY_BUFFER);
        return new IscsiTask(null, cmd, PARAMS);
    }

    @Test
    void aWaitingTask_runsAtItsTurn_andFinishingGivesItsWindowCreditBack() {
        IscsiTask t = task(false);
        assertEquals(IscsiTask.State.WAITING, t.state());
        assertTrue(t.waiting());
        t.submitted();
        assertEquals(IscsiTask.State.RUNNING, t.state());
        assertTrue(t.finish(), "a non-immediate command counts in the CmdSN window until it ends");
        assertTrue(t.finished());
    }

    @Test
    void anImmediateTask_finishes_withoutWindowCredit() {
        IscsiTask t = task(true);
        t.submitted();
        assertFalse(t.finish());
    }

    @Test
    void onlyAWaitingTask_canBeCancelled() {
        IscsiTask waiting = task(false);
        waiting.cancel();
        assertEquals(IscsiTask.State.CANCELLED, waiting.state());
        assertThrows(IllegalStateException.class, waiting::submitted);
        IscsiTask running = task(false);
        running.submitted();
        assertThrows(IllegalStateException.class, running::cancel);
        assertEquals(IscsiTask.State.RUNNING, running.state());
    }

    @Test
    void aRetainedTask_holdsTheCoresResponse_untilReassignGivesItBack() {
        IscsiTask t = task(false);
        t.submitted();
        t.retain();
        assertTrue(t.retained());
        t.hold(GOOD);
        assertEquals(IscsiTask.State.HELD, t.state());
        assertThrows(IllegalStateException.class, () -> t.hold(GOOD), "the core answers once");
        assertSame(GOOD, t.reassign(null));
        assertEquals(IscsiTask.State.RUNNING, t.state());
        assertFalse(t.retained());
        assertTrue(t.finish());
    }

    @Test
    void aTaskRetainedWhileWaiting_runsRetained_atItsTurn() {
        IscsiTask t = task(false);
        t.retain();
        assertEquals(IscsiTask.State.WAITING_RETAINED, t.state());
        assertTrue(t.waiting());
        t.submitted();
        assertEquals(IscsiTask.State.RETAINED, t.state());
        assertNull(t.reassign(null));
        assertEquals(IscsiTask.State.RUNNING, t.state());
    }

    @Test
    void retentionExpiry_returnsTheHeldResponse_andLeavesATaskToFinish() {
        IscsiTask t = task(false);
        t.submitted();
        t.retain();
        t.hold(GOOD);
        assertSame(GOOD, t.retentionExpired());
        assertEquals(IscsiTask.State.RUNNING, t.state());
        t.finish();
        assertThrows(IllegalStateException.class, t::retentionExpired);
    }

    @Test
    void aTerminatedTask_endsWhenTheCoreAnswers_andIsNeverRetained() {
        IscsiTask t = task(false);
        assertThrows(IllegalStateException.class, t::terminate, "a waiting task is cancelled, not terminated");
        t.submitted();
        t.terminate();
        assertTrue(t.terminated());
        assertThrows(IllegalStateException.class, t::retain);
        assertThrows(IllegalStateException.class, () -> t.reassign(null));
        assertTrue(t.finish());
    }

    @Test
    void discard_endsAnyLiveTask_releasingItsHeldResponse_butNotAnEndedOne() {
        IscsiTask held = task(false);
        held.submitted();
        held.retain();
        held.hold(GOOD);
        assertSame(GOOD, held.discard());
        assertTrue(held.finished());
        assertThrows(IllegalStateException.class, held::discard);
        IscsiTask waiting = task(false);
        assertNull(waiting.discard());
        IscsiTask cancelled = task(false);
        cancelled.cancel();
        assertThrows(IllegalStateException.class, cancelled::discard);
    }
}
