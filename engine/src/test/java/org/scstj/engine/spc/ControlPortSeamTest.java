package org.scstj.engine.spc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.scstj.engine.cdb.Opcodes;
import org.scstj.engine.exec.ControlOp;
import org.scstj.engine.exec.ControlResult;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.exec.LuControlPort;
import org.scstj.engine.pr.PrOut;
import org.scstj.engine.sbc.FakeExecContext;
import org.scstj.engine.sbc.RamBlockDevice;
import org.scstj.engine.sense.SenseReason;
import org.scstj.engine.spi.ScsiResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The commands that change the LU's control state go through its {@link LuControlPort} and end as
 * its {@link ControlResult} says, however late and on whatever thread it answers: the seam a port
 * that asks another node uses.
 */
class ControlPortSeamTest {
    private final LuContext lu = FakeExecContext.lu(new RamBlockDevice(512, 64), false, false);

    /** A port that keeps every operation and answers only when the test says so. */
    private static final class LaterPort implements LuControlPort {
        final List<ControlOp> ops = new ArrayList<>();
        final List<Consumer<ControlResult>> pending = new ArrayList<>();

        @Override
        public void submit(ControlOp op, Consumer<ControlResult> done) {
            ops.add(op);
            pending.add(done);
        }

        /** Answers the oldest operation from another thread, as a reply from elsewhere would arrive. */
        void answer(ControlResult result) throws InterruptedException {
            Consumer<ControlResult> done = pending.removeFirst();
            Thread t = Thread.ofPlatform().start(() -> done.accept(result));
            t.join();
        }
    }

    private static byte[] prOutCdb(int serviceAction) {
        return new byte[] {(byte) Opcodes.PERSISTENT_RESERVE_OUT, (byte) serviceAction, 0, 0, 0, 0, 0, 0, 24, 0};
    }

    private static byte[] registerList(long saKey) {
        byte[] list = new byte[24];
        for (int i = 0; i < 8; i++) {
            list[8 + i] = (byte) (saKey >>> (56 - 8 * i));
        }
        return list;
    }

    private FakeExecContext persistentReserveOut(LaterPort port) {
        return FakeExecContext.start(lu, prOutCdb(PrOut.REGISTER), 24, registerList(0x42), port);
    }

    @Test
    void persistentReserveOut_completesOnlyWhenThePortAnswers_withWhatItAnswers() throws Exception {
        LaterPort port = new LaterPort();
        FakeExecContext good = persistentReserveOut(port);
        ControlOp.PrOut op = assertInstanceOf(ControlOp.PrOut.class, port.ops.getFirst());
        assertEquals(FakeExecContext.NEXUS, op.nexus());
        assertEquals(good.task().tag(), op.tag());
        assertEquals(PrOut.REGISTER, op.out().serviceAction());
        assertEquals(0x42, op.out().serviceActionKey());
        assertNull(good.response(), "no status before the port answered");
        assertEquals(0, good.completions());
        port.answer(ControlResult.DONE);
        assertEquals(1, good.completions());
        assertEquals(ScsiResponse.GOOD, good.response().status());

        FakeExecContext conflict = persistentReserveOut(port);
        assertNull(conflict.response());
        port.answer(new ControlResult.Refused(PrOut.Outcome.CONFLICT));
        assertEquals(1, conflict.completions());
        assertEquals(ScsiResponse.RESERVATION_CONFLICT, conflict.response().status());

        FakeExecContext failed = persistentReserveOut(port);
        port.answer(new ControlResult.Failed(SenseReason.INTERNAL_TARGET_FAILURE));
        assertEquals("04/44/00", new FakeExecContext.Outcome(failed.response(), null).sense());
    }

    @Test
    void reserveAndRelease_goThroughThePort() throws Exception {
        LaterPort port = new LaterPort();
        FakeExecContext reserve = FakeExecContext.start(lu, new byte[] {(byte) Opcodes.RESERVE_6, 0, 0, 0, 0, 0}, 0,
                null, port);
        assertEquals(new ControlOp.Reserve(FakeExecContext.NEXUS), port.ops.getFirst());
        assertNull(reserve.response());
        port.answer(new ControlResult.Refused(PrOut.Outcome.CONFLICT));
        assertEquals(ScsiResponse.RESERVATION_CONFLICT, reserve.response().status());

        FakeExecContext release = FakeExecContext.start(lu, new byte[] {(byte) Opcodes.RELEASE_6, 0, 0, 0, 0, 0}, 0,
                null, port);
        assertEquals(new ControlOp.Release(FakeExecContext.NEXUS), port.ops.get(1));
        assertNull(release.response());
        port.answer(ControlResult.DONE);
        assertEquals(ScsiResponse.GOOD, release.response().status());
    }
}
