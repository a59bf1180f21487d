package org.scstj.transports.iscsi.conn;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandWindowTest {
    @Test
    void serialArithmetic_wrapsAround() {
        assertTrue(SerialNumber.lessThan(0xffff_fffe, 1));
        assertTrue(SerialNumber.greaterThan(1, 0xffff_fffe));
        assertFalse(SerialNumber.lessThan(5, 5));
        assertTrue(SerialNumber.inRange(0, 0xffff_fff0, 0x10));
        assertFalse(SerialNumber.inRange(0x11, 0xffff_fff0, 0x10));
    }

    @Test
    void windowAcrossTheWrap_ordersAndDropsCorrectly() {
        CommandWindow w = new CommandWindow(0xffff_fffe, 4); // ExpCmdSN ..., MaxCmdSN = 1
        assertEquals(1, w.maxCmdSn());
        assertEquals(CommandWindow.Verdict.DELIVER, w.classify(0xffff_fffe));
        assertEquals(CommandWindow.Verdict.QUEUE, w.classify(1));
        assertEquals(CommandWindow.Verdict.DROP, w.classify(2));
        assertEquals(CommandWindow.Verdict.DROP, w.classify(0xffff_fffd));
        List<Integer> ran = new ArrayList<>();
        w.queue(1, new CommandWindow.Queued(Unpooled.EMPTY_BUFFER, () -> ran.add(1)));
        w.queue(0, new CommandWindow.Queued(Unpooled.EMPTY_BUFFER, () -> ran.add(0)));
        w.queue(0xffff_ffff, new CommandWindow.Queued(Unpooled.EMPTY_BUFFER, () -> ran.add(-1)));
        assertEquals(CommandWindow.Verdict.DROP, w.classify(1)); // duplicate of a queued CmdSN
        w.advance(); // 0xfffffffe delivered
        CommandWindow.Queued q;
        while ((q = w.next()) != null) {
            q.action().run();
        }
        assertEquals(List.of(-1, 0, 1), ran);
        assertEquals(2, w.expCmdSn());
        assertNull(w.next());
    }

    @Test
    void consume_countsACmdSnAsReceivedWithNothingToRun_atExpCmdSnOrAhead() {
        CommandWindow w = new CommandWindow(5, 8);
        List<Integer> ran = new ArrayList<>();
        w.queue(6, new CommandWindow.Queued(Unpooled.EMPTY_BUFFER, () -> ran.add(6)));
        assertFalse(w.consume(7)); // ahead: it keeps its turn
        w.queue(8, new CommandWindow.Queued(Unpooled.EMPTY_BUFFER, () -> ran.add(8)));
        assertTrue(w.consume(5)); // at ExpCmdSN: it moves; what waited behind runs, 7 passing with nothing
        CommandWindow.Queued q;
        while ((q = w.next()) != null) {
            q.action().run();
        }
        assertEquals(List.of(6, 8), ran);
        assertEquals(9, w.expCmdSn());
        assertEquals(CommandWindow.Verdict.DROP, w.classify(7)); // a PDU that brings 7 now is a duplicate
        assertFalse(w.consume(7)); // already received: nothing changes
        assertFalse(w.consume(100)); // outside the window
        assertEquals(9, w.expCmdSn());
    }

    @Test
    void commandsInFlight_holdMaxCmdSnUntilTheyFinish() {
        CommandWindow w = new CommandWindow(10, 2);
        assertEquals(11, w.maxCmdSn());
        w.advance();
        w.started();
        assertEquals(11, w.maxCmdSn());
        w.advance();
        w.started();
        assertEquals(11, w.maxCmdSn()); // closed window: MaxCmdSN = ExpCmdSN - 1
        assertEquals(CommandWindow.Verdict.DROP, w.classify(12));
        w.finished();
        assertEquals(12, w.maxCmdSn());
        assertEquals(CommandWindow.Verdict.DELIVER, w.classify(12));
    }
}
