/**
 * The {@code dev_iscsi} device handler: a logical unit of another iSCSI target, reached with the
 * project's own initiator ({@link org.scstj.transports.iscsi.initiator}), served by the engine's
 * pass-through command set ({@link org.scstj.engine.spi.ScsiPassThrough}). scstj becomes a gateway
 * that adds LUN masking, reservations, unit attentions and many initiators in front of a target
 * that has one initiator: this handler.
 *
 * <p>It lives in {@code transports}, not {@code handlers}: the initiator is here, and the build's
 * rules keep {@code handlers} on the engine's SPI alone (no module but {@code mgmt} and
 * {@code bench} may depend on {@code transports}). The initiator package stays free of the engine;
 * this package joins the two.
 */
package org.scstj.transports.iscsi.gateway;
