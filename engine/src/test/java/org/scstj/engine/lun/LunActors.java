package org.scstj.engine.lun;

import org.apache.pekko.actor.typed.Behavior;
import org.scstj.engine.exec.CommandSet;
import org.scstj.engine.exec.LuContexts;
import org.scstj.engine.lu.UnitState;
import org.scstj.engine.spi.BlockDevice;

/** LUN actors for tests: no bound on the LU's task set, a state of their own unless given. */
final class LunActors {
    private LunActors() {
    }

    static Behavior<LunActor.Command> create(BlockDevice device, CommandSet commands, int nexusQueueDepth) {
        return LunActor.create(device, commands, nexusQueueDepth, Integer.MAX_VALUE, LuContexts.state(device));
    }

    static Behavior<LunActor.Command> create(BlockDevice device, CommandSet commands, int nexusQueueDepth,
                                             UnitState state) {
        return LunActor.create(device, commands, nexusQueueDepth, Integer.MAX_VALUE, state);
    }
}
