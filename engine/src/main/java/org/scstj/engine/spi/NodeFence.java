package org.scstj.engine.spi;

/**
 * Whether this node may acknowledge a command now. In a cluster a node serves only while it holds a
 * lease renewed by a majority of the configured voting nodes; a node cut off from them stops
 * answering before the majority can act on its absence (docs/cluster.md, "Self-fence").
 *
 * <p>Threading: {@link #serving} is called on the hot path from any thread; an implementation is a
 * volatile read and a clock read, nothing more.
 */
@FunctionalInterface
public interface NodeFence {
    /** True while this node may acknowledge a command or touch the shared medium. */
    boolean serving();

    /** A node that is not part of a cluster always serves. */
    NodeFence ALWAYS = () -> true;
}
