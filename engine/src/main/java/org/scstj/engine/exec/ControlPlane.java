package org.scstj.engine.exec;

/**
 * Where the logical units' control state is kept (docs/design/cluster.md 4): the engine asks it
 * once per LU, as the LUN actor starts, for the {@link LuControlPort} every change goes through.
 * {@link #LOCAL} keeps it in the LUN actor (one node); a clustered plane sends the changes to a
 * single writer and drives this node's copy through the LU's {@link ControlReplica}.
 *
 * <p>Threads: {@link #port} runs on the new LUN actor's thread, once.
 */
public interface ControlPlane {
    /**
     * The port of LU {@code device}: {@code local} is the LUN actor's own (which runs each
     * operation at once on its state), {@code replica} its copy as another writer would drive it.
     */
    LuControlPort port(String device, LuControlPort local, ControlReplica replica);

    /** The control state stays in each LUN actor, on this node. */
    ControlPlane LOCAL = (device, local, replica) -> local;
}
