package org.scstj.engine.session;

import org.apache.pekko.actor.typed.ActorRef;
import org.scstj.engine.exec.LuContext;
import org.scstj.engine.lun.LunActor;

/** A LUN as one nexus sees it: the LU's actor and the context its commands run with. */
public record LunBinding(int lun, ActorRef<LunActor.Command> actor, LuContext context) {
}
