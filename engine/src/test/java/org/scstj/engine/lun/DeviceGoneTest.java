package org.scstj.engine.lun;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.scstj.engine.commands.CommandSets;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.lu.LuStates;
import org.scstj.engine.lu.MediumState;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.lu.UnitState;
import org.scstj.engine.pr.Reservations;
import org.scstj.engine.sbc.RamBlockDevice;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;

/**
 * A device whose backing store went away (a block device removed: ENXIO, ENODEV): the I/O that
 * found it ends NOT READY, MANUAL INTERVENTION REQUIRED (04/03), and from then on every command
 * that needs the medium does too without reaching the device, TEST UNIT READY included, while
 * INQUIRY and REPORT LUNS still answer; another LU carries on.
 */
class DeviceGoneTest {
    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final Nexus NEXUS = new Nexus("iqn.i", "iqn.i,i,0x1", "iqn.t", "iqn.t,t,0x1", 1, 1);
    private static final byte[] TUR = new byte[6];
    private static final byte[] READ10 = {0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0};
    private static final byte[] INQUIRY = {0x12, 0, 0, 0, 96, 0};

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    private record Lu(RamBlockDevice device, UnitState state, ActorRef<LunActor.Command> actor) {
    }

    private static Lu lu() {
        RamBlockDevice device = new RamBlockDevice(512, 64);
        UnitState state = new UnitState(new MediumState(false), new ModeParameters(false), LuStates.unlimited(),
                new Reservations());
        return new Lu(device, state, testKit.spawn(LunActors.create(device, CommandSets.DISK, 8, state)));
    }

    private long tags;

    private ScsiResponse send(Lu lu, byte[] cdb) throws Exception {
        TaskOrderingTest.DataTask t = new TaskOrderingTest.DataTask(++tags, cdb, null);
        LuContext ctx = LuContexts.of(0, lu.device(), false, NEXUS, lu.state());
        lu.actor().tell(new LunActor.Execute(new Task(t, CommandSets.DISK.parse(cdb), ctx)));
        return t.await();
    }

    @Test
    void theGoneDeviceIsNotReady_theOtherLuCarriesOn() throws Exception {
        Lu gone = lu();
        Lu other = lu();
        send(gone, TUR);   // the power-on unit attentions
        send(other, TUR);
        gone.device().failWith(BlockDevice.IoFailure.NOT_READY);
        assertEquals("02/04/03", TaskOrderingTest.senseOf(send(gone, READ10)), "the read that found it gone");
        gone.device().ready(false);
        assertEquals("02/04/03", TaskOrderingTest.senseOf(send(gone, TUR)));
        assertEquals("02/04/03", TaskOrderingTest.senseOf(send(gone, READ10)));
        assertEquals(ScsiResponse.GOOD, send(gone, INQUIRY).status(), "INQUIRY needs no medium");
        assertEquals(ScsiResponse.GOOD, send(other, READ10).status());
        assertEquals(ScsiResponse.GOOD, send(other, TUR).status());
    }
}
