/**
 * The iSCSI target driver (RFC 7143): {@link org.scstj.transports.iscsi.IscsiTargetDriver} binds the
 * portals of {@link org.scstj.transports.iscsi.IscsiSettings}; each connection runs the pipeline
 * {@code codec.PduDecoder → codec.PduEncoder → conn.IscsiConnection}. Packages follow the RFC:
 * {@code pdu} (11, the PDU formats), {@code codec} (framing and digests), {@code login} (6, 13: text
 * keys, negotiation, stages, SendTargets) and {@code conn} (the full feature phase: command
 * numbering, data transfer, task management, logout, rejects).
 */
package org.scstj.transports.iscsi;
