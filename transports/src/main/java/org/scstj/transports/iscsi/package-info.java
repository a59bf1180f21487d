/**
 * The iSCSI target driver (RFC 7143): {@link org.scstj.transports.iscsi.IscsiTargetDriver} binds the
 * portals of {@link org.scstj.transports.iscsi.config.IscsiSettings}; each connection runs the pipeline
 * {@code codec.PduDecoder → codec.PduEncoder → LoginConnectionLimiter → conn.LoginHandler}, the
 * login handler replaced by {@code conn.FullFeatureHandler} when the login succeeds (both work
 * through the connection's {@code conn.IscsiConnection}). Packages follow the RFC:
 * {@code pdu} (11, the PDU formats), {@code codec} (framing and digests), {@code config} (what the
 * operator set: portals, limits, keys' defaults, CHAP accounts), {@code login} (6, 13: text keys,
 * negotiation, stages, SendTargets) and {@code conn} (connections and sessions: the login and full
 * feature phases, command numbering, data transfer, task management, logout, rejects, recovery).
 * Each layer imports only those below it (TransportsArchitectureTest); {@code initiator}, the
 * project's own initiator for tests and benchmarks, shares only the PDUs and the codec.
 */
package org.scstj.transports.iscsi;
