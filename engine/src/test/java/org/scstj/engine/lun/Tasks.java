package org.scstj.engine.lun;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.scstj.engine.exec.CommandSet;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.lu.UnitState;
import org.scstj.engine.spi.BlockDevice;
import org.scstj.engine.spi.ScsiResponse;

/** For tests outside this package: a LUN actor, and one command through it with its Data-In kept. */
public final class Tasks {
    private Tasks() {
    }

    /** The response and the Data-In (null when none) of one command. */
    public record Result(ScsiResponse response, byte[] dataIn) {
    }

    public static Behavior<LunActor.Command> lunActor(BlockDevice device, CommandSet commands, UnitState state) {
        return LunActors.create(device, commands, 8, state);
    }

    /** Sends {@code cdb} (with {@code dataOut}, or a 64 KiB Data-In allowance when null) and waits up to 5 s. */
    public static Result execute(ActorRef<LunActor.Command> lun, LuContext lu, long tag, byte[] cdb, byte[] dataOut)
            throws Exception {
        TaskOrderingTest.DataTask t = new TaskOrderingTest.DataTask(tag, cdb, dataOut);
        lun.tell(new LunActor.Execute(new Task(t, lu.commands().parse(cdb), lu)));
        ScsiResponse r = t.await();
        return new Result(r, t.dataIn);
    }
}
