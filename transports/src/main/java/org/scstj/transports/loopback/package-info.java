/**
 * The loopback target driver: an in-JVM transport whose initiator is Java code in the same
 * process, like SCST's {@code scst_local} or LIO's {@code tcm_loop}. It implements the
 * target-driver SPI ({@link org.scstj.engine.spi.TargetDriver}, {@link org.scstj.engine.spi.TransportTask})
 * with no wire protocol in between, so tests and benchmarks reach the engine through the same
 * contract as iSCSI, and a profile of a loopback run shows the engine's cost alone.
 *
 * <p>Entry points: {@link org.scstj.transports.loopback.LoopbackTargetDriver#login} opens an I_T
 * nexus (SAM-5 4.6.2); {@link org.scstj.transports.loopback.LoopbackSession} submits commands,
 * task-management functions and closes the nexus.
 *
 * <p>Buffer ownership, the whole story in one place:
 * <ul>
 *   <li>Data-In: the core's {@code allocate} gets a pooled direct Netty buffer; once the core
 *       completes the command it belongs to the {@link org.scstj.transports.loopback.LoopbackResult},
 *       whose {@code close()} gives it back to the pool.</li>
 *   <li>Data-Out: the initiator's {@link java.nio.ByteBuffer} is lent to the core without a copy
 *       (a slice of it); the initiator must leave it untouched until its callback ran, which
 *       happens only after the core released it.</li>
 * </ul>
 */
package org.scstj.transports.loopback;
