package org.scstj.cluster.control;

import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.scstj.engine.exec.ControlOp;
import org.scstj.engine.exec.ControlResult;
import org.scstj.engine.exec.LuControlPort;
import org.scstj.engine.sense.SenseReason;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * An LU's control port on a cluster node: reservation changes (PERSISTENT RESERVE OUT, RESERVE,
 * RELEASE, resets and nexus loss for the SPC-2 reservation) go to the LU's {@link LuControl}
 * entity, which answers once the change is durable on a majority and held on every node
 * (docs/design/cluster.md 4.4); the rest (MODE SELECT, SET TARGET PORT GROUPS, a reset's mode
 * parameters) runs on this node's own port. No answer within {@link #TIMEOUT}: ABORTED COMMAND.
 */
final class ClusteredLuControl implements LuControlPort {
    static final Duration TIMEOUT = Duration.ofSeconds(25);

    private final EntityRef<LuControl.Command> entity;
    private final LuControlPort local;
    private final String node;

    /** The port of one LU: {@code entity} its writer, {@code local} the LUN actor's own, {@code node} this node's address. */
    ClusteredLuControl(EntityRef<LuControl.Command> entity, LuControlPort local, String node) {
        this.entity = entity;
        this.local = local;
        this.node = node;
    }

    @Override
    public void submit(ControlOp op, Consumer<ControlResult> done) {
        Wire.Op wire = Wire.Op.of(op, node);
        if (wire == null) {
            local.submit(op, done);
            return;
        }
        if (op instanceof ControlOp.Reset r && r.restoreMode()) {
            // SPC-5 7.5.2: the current mode parameters become the saved ones on this node
            local.submit(r, ignored -> { });
        }
        entity.<Wire.Result>ask(replyTo -> new LuControl.Submit(wire, replyTo), TIMEOUT)
                .whenComplete((result, failure) -> done.accept(failure != null
                        ? new ControlResult.Failed(SenseReason.ABORTED_COMMAND) : result.toResult()));
    }
}
