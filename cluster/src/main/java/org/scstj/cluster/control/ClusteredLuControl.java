package org.scstj.cluster.control;

import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.scstj.engine.exec.ControlOp;
import org.scstj.engine.exec.ControlResult;
import org.scstj.engine.exec.LuControlPort;
import org.scstj.engine.sense.SenseReason;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * An LU's control port on a cluster node: changes of the LU's control state (PERSISTENT RESERVE
 * OUT, RESERVE, RELEASE, MODE SELECT, resets with their return to the saved mode parameters,
 * nexus loss for the SPC-2 reservation) and CLEAR TASK SET, which reaches the LU's tasks on every
 * node, go to the LU's {@link LuControl} entity, which answers once the change is durable on a
 * majority and held on every node (docs/design/cluster.md 4.4); SET TARGET PORT GROUPS runs on
 * this node's own port (the cluster's ALUA coordinator owns the cluster-owned groups' states).
 *
 * <p>Operation ids: each change carries this port's requester id and its sequence number, and this
 * port has one change at the writer at a time (the next waits for its answer; the writer runs one
 * at a time anyway). A change not answered within {@link #RESEND} is sent again, the same id, to
 * whichever writer the LU has now (sharding starts a new one when the writer's node died and drops
 * what was sent to the dead one); the writer answers a change it applied already from the answer
 * kept in its record. No answer within {@link #TIMEOUT} in all: ABORTED COMMAND.
 */
final class ClusteredLuControl implements LuControlPort {
    static final Duration TIMEOUT = Duration.ofSeconds(25);
    static final Duration RESEND = Duration.ofSeconds(2);

    private final EntityRef<LuControl.Command> entity;
    private final LuControlPort local;
    private final String node;
    /** This port's id among the writer's requesters: the node and a value of this port's own. */
    private final String requester;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private boolean busy;
    private long seq;

    private record Pending(Wire.Op op, Consumer<ControlResult> done) {
    }

    /** The port of one LU: {@code entity} its writer, {@code local} the LUN actor's own, {@code node} this node's address. */
    ClusteredLuControl(EntityRef<LuControl.Command> entity, LuControlPort local, String node) {
        this.entity = entity;
        this.local = local;
        this.node = node;
        this.requester = node + "/" + UUID.randomUUID();
    }

    @Override
    public void submit(ControlOp op, Consumer<ControlResult> done) {
        Wire.Op wire = Wire.Op.of(op, node);
        if (wire == null) {
            local.submit(op, done);
            return;
        }
        if (op instanceof ControlOp.Reset r && r.restoreMode()) {
            // SPC-5 7.5.2: the current mode parameters become the saved ones on this node now (the
            // writer's commit installs the same values on every node)
            local.submit(r, ignored -> { });
        }
        synchronized (this) {
            queue.add(new Pending(wire, done));
            if (busy) {
                return;
            }
            busy = true;
        }
        next();
    }

    private void next() {
        Pending p;
        long opSeq;
        synchronized (this) {
            p = queue.poll();
            if (p == null) {
                busy = false;
                return;
            }
            opSeq = ++seq;
        }
        send(p, opSeq, System.nanoTime() + TIMEOUT.toNanos());
    }

    private void send(Pending p, long opSeq, long deadline) {
        long left = deadline - System.nanoTime();
        Duration wait = Duration.ofNanos(Math.max(1, Math.min(RESEND.toNanos(), left)));
        entity.<Wire.Result>ask(replyTo -> new LuControl.Submit(p.op(), requester, opSeq, replyTo), wait)
                .whenComplete((result, failure) -> {
                    if (failure == null) {
                        finish(p, result.toResult());
                    } else if (System.nanoTime() < deadline) {
                        send(p, opSeq, deadline); // the same change again, to the writer the LU has now
                    } else {
                        finish(p, new ControlResult.Failed(SenseReason.ABORTED_COMMAND));
                    }
                });
    }

    private void finish(Pending p, ControlResult result) {
        try {
            p.done().accept(result);
        } finally {
            next();
        }
    }
}
