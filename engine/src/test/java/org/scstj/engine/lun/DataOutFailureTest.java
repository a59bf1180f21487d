package org.scstj.engine.lun;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.scstj.engine.commands.CommandSets;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.sbc.RamBlockDevice;
import org.scstj.engine.spi.DataOutFailure;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;

/**
 * A transport that cannot deliver a command's Data-Out says why ({@link DataOutFailure}); the
 * core ends the command with that reason's sense, in the LU's sense format (D_SENSE), and reports
 * nothing transferred.
 */
class DataOutFailureTest {
    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final Nexus NEXUS = new Nexus("iqn.a", "iqn.a,i,0x1", "iqn.t", "iqn.t,t,0x1", 1, 1);

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    private final RamBlockDevice device = new RamBlockDevice(512, 64);
    private final ActorRef<LunActor.Command> lun = testKit.spawn(LunActors.create(device, CommandSets.DISK, 8));
    private long tags;

    /** A transport task whose Data-Out the transport fails for {@code reason}. */
    private ScsiResponse writeFailedBy(DataOutFailure.Reason reason, boolean descriptorSense) throws Exception {
        byte[] write10 = {0x2A, 0, 0, 0, 0, 0, 0, 0, 1, 0};
        TaskOrderingTest.DataTask t = new TaskOrderingTest.DataTask(++tags, write10, new byte[512]) {
            @Override
            public void receiveData(int length, DataReceiver receiver) {
                receiver.failed(new DataOutFailure(reason, "test"));
            }
        };
        LuContext lu = LuContexts.of(0, device, false, NEXUS, descriptorSense);
        lun.tell(new LunActor.Execute(new Task(t, CommandSets.DISK.parse(write10), lu)));
        return t.await();
    }

    @Test
    void eachReason_endsTheCommandWithItsSense_inTheLusFormat() throws Exception {
        writeFailedBy(DataOutFailure.Reason.DATA_DIGEST, false); // the power-on unit attention goes first
        assertEquals("0B/47/05", TaskOrderingTest.senseOf(writeFailedBy(DataOutFailure.Reason.DATA_DIGEST, false)));
        assertEquals("0B/0C/0C", TaskOrderingTest.senseOf(
                writeFailedBy(DataOutFailure.Reason.UNEXPECTED_UNSOLICITED_DATA, false)));
        ScsiResponse r = writeFailedBy(DataOutFailure.Reason.NOT_ENOUGH_UNSOLICITED_DATA, true);
        assertEquals(0x72, r.sense()[0] & 0x7F, "descriptor format: the LU's D_SENSE is 1");
        assertEquals(0x0B, r.sense()[1] & 0x0F);
        assertEquals(0x0C, r.sense()[2] & 0xFF);
        assertEquals(0x0D, r.sense()[3] & 0xFF);
        assertEquals(0, r.transferLength(), "nothing was transferred");
        assertEquals(ScsiResponse.CHECK_CONDITION, r.status());
    }
}
