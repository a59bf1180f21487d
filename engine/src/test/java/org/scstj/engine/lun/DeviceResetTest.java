package org.scstj.engine.lun;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.scstj.engine.commands.CommandSets;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.lu.LuStates;
import org.scstj.engine.lu.MediumState;
import org.scstj.engine.lu.ModeParameters;
import org.scstj.engine.lu.UnitState;
import org.scstj.engine.pr.Reservations;
import org.scstj.engine.sbc.RamBlockDevice;
import org.scstj.engine.spi.Nexus;
import org.scstj.engine.spi.ScsiResponse;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A device that came back on its own ({@code BlockDevice.Listener#reset}, a user handler attached
 * again): every nexus the LU knows gets POWER ON, RESET, OR BUS DEVICE RESET OCCURRED (SAM-5 5.14).
 */
class DeviceResetTest {
    private static final ActorTestKit testKit = ActorTestKit.create();
    private static final Nexus A = new Nexus("iqn.a", "iqn.a,i,0x1", "iqn.t", "iqn.t,t,0x1", 1, 1);
    private static final Nexus B = new Nexus("iqn.b", "iqn.b,i,0x1", "iqn.t", "iqn.t,t,0x1", 1, 1);

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    private final RamBlockDevice device = new RamBlockDevice(512, 64);
    private final UnitState state = new UnitState(new MediumState(false), new ModeParameters(true),
            LuStates.unlimited(), new Reservations());
    private final ActorRef<LunActor.Command> lun = testKit.spawn(LunActors.create(device, CommandSets.DISK, 8, state));
    private long tags;

    private ScsiResponse tur(Nexus nexus) throws Exception {
        byte[] cdb = new byte[6];
        TaskOrderingTest.DataTask t = new TaskOrderingTest.DataTask(++tags, cdb, null);
        lun.tell(new LunActor.Execute(new Task(t, CommandSets.DISK.parse(cdb), LuContexts.of(0, device, false, nexus, state))));
        return t.response.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aDeviceReset_is2900ForEveryNexus() throws Exception {
        tur(A); // the power-on unit attentions out of the way
        tur(B);
        assertEquals(ScsiResponse.GOOD, tur(A).status());
        lun.tell(new LunActor.DeviceEvent(org.scstj.engine.sense.SenseReason.POWER_ON_RESET_OR_BUS_DEVICE_RESET));
        assertEquals("06/29/00", TaskOrderingTest.senseOf(tur(A)));
        assertEquals("06/29/00", TaskOrderingTest.senseOf(tur(B)));
        assertEquals(ScsiResponse.GOOD, tur(A).status(), "reported once");
    }
}
